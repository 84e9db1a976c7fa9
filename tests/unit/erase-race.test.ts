import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { eraseCustomer, tombstoneKey } from '../../domain/erase';
import { ingestEvent } from '../../domain/ingest';
import { messageKey, sendMessage } from '../../domain/messages/send';
import type { CustomerStore } from '../../domain/ports';
import { startDynalite, type LocalDynamo } from '../handlers/support';
import { WORKFLOWS_DIR } from '../support/paths';
import { sendDeps, THANK_YOU } from '../support/send-deps';

/**
 * A send in flight while its customer is erased (the reviewer's case): whatever the moment the erasure
 * lands, nothing with the customer's address is left once it has answered, and a send that reads the
 * erasure never goes out. On both stores: the claim and the outcome write are conditional writes.
 */
const workflows = loadWorkflows(WORKFLOWS_DIR);
const journeys = workflows.journeys.map((j) => j.journey);

const key = messageKey('exec-1', 'thank-you');

let dynamo: LocalDynamo | undefined;
afterAll(() => dynamo?.stop());
const stores: [string, () => Promise<{ base: CustomerStore; send: CustomerStore }>][] = [
  [
    'the memory store',
    async () => {
      const store = memoryStore();
      return { base: store, send: store };
    },
  ],
  [
    'dynalite',
    async () => {
      dynamo ??= await startDynalite();
      const table = await dynamo.freshTable();
      return { base: table.store, send: table.storeFor('send-message') };
    },
  ],
];

/** A customer with an email address, a send of theirs, and a hook run at one point of the send. */
async function world(open: () => Promise<{ base: CustomerStore; send: CustomerStore }>) {
  // Two handles on one store: the send's as send-message's role allows it (on dynalite).
  const { base, send: sendStore } = await open();
  const clock = fixedClock('2026-11-22T04:00:00Z'); // noon in Shanghai
  const starter = memoryStarter();
  await ingestEvent(
    {
      eventId: 'e-1',
      type: 'profile',
      customerId: 'c-1',
      at: '2026-11-22T03:00:00Z',
      customer: { email: 'li@example.com', timeZone: 'Asia/Shanghai' },
    },
    {
      store: base,
      starter,
      clock,
      lifecycle: workflows.lifecycle,
      calendar: workflows.calendar,
      publisher: memoryPublisher(),
      journeys,
    },
  );
  const hooks: { afterFacts?: () => Promise<unknown>; duringSend?: () => Promise<unknown> } = {};
  const store: CustomerStore = {
    ...sendStore,
    getCustomerFacts: async (...args) => {
      const facts = await sendStore.getCustomerFacts(...args);
      await hooks.afterFacts?.();
      return facts;
    },
  };
  const { deps, sent } = sendDeps(store, clock, {
    mailer: {
      send: async () => {
        await hooks.duringSend?.();
        return { messageId: `e-${sent.push('email')}` };
      },
    },
  });
  const send = () => sendMessage(THANK_YOU, deps);
  const erase = () => eraseCustomer('c-1', { store: base, starter, clock });
  return { base, clock, hooks, sent, send, erase };
}

describe.each(stores)('a send racing with an erasure, on %s', (_name, open) => {
  it('the erasure lands after the send read the profile: nothing goes out, nothing is written back', async () => {
    const w = await world(open);
    w.hooks.afterFacts = w.erase;
    const result = await w.send().then(
      (r) => r.status,
      (e: Error) => e.name,
    );
    expect({ result, sent: w.sent, left: await w.base.getMessage('c-1', key) }).toEqual({
      result: 'ProfileNotFoundError',
      sent: [],
      left: undefined,
    });
  });

  it('the erasure lands while the provider sends: the message may go, its record does not survive', async () => {
    const w = await world(open);
    w.hooks.duringSend = w.erase;
    await w.send();
    expect({ sent: w.sent, left: await w.base.getMessage('c-1', key) }).toEqual({
      sent: ['email'],
      left: undefined,
    });
  });

  it('a send that reads the erasure never goes out, even with the profile not yet deleted', async () => {
    const w = await world(open);
    await w.base.putTombstone({ key: tombstoneKey('c-1'), erasedAt: w.clock.now().toISOString() });
    await expect(w.send()).rejects.toMatchObject({ name: 'ProfileNotFoundError' });
    expect({ sent: w.sent, left: await w.base.getMessage('c-1', key) }).toEqual({
      sent: [],
      left: undefined,
    });
  });

  it('a customer who came back after the erasure is sent to', async () => {
    const w = await world(open);
    await w.base.putTombstone({ key: tombstoneKey('c-1'), erasedAt: '2026-11-22T02:00:00Z' });
    expect(await w.send()).toMatchObject({ status: 'sent' });
    expect(w.sent).toEqual(['email']);
  });
});
