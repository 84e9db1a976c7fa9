import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { eraseCustomer } from '../../domain/erase';
import type { ProfileEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { suppressionKey } from '../../domain/messages/policy';
import { sendMessage, type SendMessageInput } from '../../domain/messages/send';
import { suppressAddress } from '../../domain/messages/suppress';
import type { CustomerStore, SuppressionRecord } from '../../domain/ports';
import type { Profile } from '../../domain/profile/profile';
import { newProfile } from '../../domain/lifecycle/apply';
import { WORKFLOWS_DIR } from '../support/paths';
import { sendDeps } from '../support/send-deps';

/**
 * Ingest reads the suppression list for the addresses an event carries (in its one read) and records the
 * check on the profile, so that a send trusts the profile instead of reading the list: what a send would
 * have found there must be on the profile, whenever the address got onto the list.
 */
const workflows = loadWorkflows(WORKFLOWS_DIR);
const journeys = workflows.journeys.map((j) => j.journey);
// Noon in Shanghai: no quiet hours.
const clock = fixedClock('2026-11-22T04:00:00Z');
const EMAIL = 'li@example.com';
const PHONE = '+8613800138000';
const key = { email: suppressionKey('email', EMAIL), sms: suppressionKey('sms', PHONE) };
const listed = (k: string, channel: 'email' | 'sms' = 'email'): SuppressionRecord => ({
  key: k,
  channel,
  reason: 'complaint',
  at: '2026-01-02T03:04:05.000Z',
  source: 'ses:complaint:f-1',
});

function world() {
  const base = memoryStore();
  const listReads: string[] = [];
  const failures = { putJourneyEntries: 0 };
  // Runs once, when the next getCustomerFacts has read (what ingest decides from) and before it answers.
  const hooks = { afterFacts: async () => {} };
  const store: CustomerStore = {
    ...base,
    getCustomerFacts: async (...args) => {
      const facts = await base.getCustomerFacts(...args);
      const hook = hooks.afterFacts;
      hooks.afterFacts = async () => {};
      await hook();
      return facts;
    },
    getSuppression: (k) => (listReads.push(k), base.getSuppression(k)),
    putJourneyEntries: async (...args) => {
      if (failures.putJourneyEntries-- > 0) throw new Error('crashed after the profile write');
      return base.putJourneyEntries(...args);
    },
  };
  const starter = memoryStarter();
  const lifecycle = { store, starter, clock, lifecycle: workflows.lifecycle, calendar: workflows.calendar };
  const { deps, sent } = sendDeps(store, clock);
  let n = 0;
  return {
    store,
    failures,
    hooks,
    listReads,
    sent,
    ingest: (customerId: string, customer: ProfileEvent['customer'], eventId = `e-${++n}`) =>
      ingestEvent(
        { eventId, type: 'profile', customerId, at: clock.now().toISOString(), customer },
        { ...lifecycle, publisher: memoryPublisher(), journeys },
      ),
    send: (customerId: string) => {
      const input: SendMessageInput = {
        customerId,
        journeyId: 'first-small-purchase',
        journeyVersion: 1,
        stepId: `thank-you-${++n}`,
        channel: 'email',
        template: 'first-purchase-thanks',
        category: 'transactional',
        priority: 'normal',
        executionId: `exec-${n}`,
        deferral: 'result',
      };
      return sendMessage(input, deps);
    },
    suppressDeps: { store, starter, clock, journeys },
    profile: async (customerId: string): Promise<Profile> => (await store.getProfile(customerId))!,
  };
}

describe('ingest checks the addresses an event carries against the suppression list', () => {
  it('a listed address: the channel marked as suppressAddress would (the record’s reason, time, source)', async () => {
    const w = world();
    await w.store.putSuppression(listed(key.email));
    await w.ingest('c-1', { email: EMAIL, phone: PHONE, timeZone: 'Asia/Shanghai' });
    const profile = await w.profile('c-1');
    expect(profile.suppressed).toEqual({
      email: { reason: 'complaint', at: '2026-01-02T03:04:05.000Z', source: 'ses:complaint:f-1' },
    });
    expect(profile.suppressionChecked).toEqual(key);
    // Remembered as the addresses' user: a later suppression of either finds this profile.
    expect(await w.store.listAddressUsers(key.email)).toEqual(['c-1']);
    expect(await w.store.listAddressUsers(key.sms)).toEqual(['c-1']);
    expect(await w.send('c-1')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect(w.sent).toEqual([]);
  });

  it('an unlisted address: only the check is recorded, and the send trusts it without reading the list', async () => {
    const w = world();
    await w.ingest('c-1', { email: EMAIL, timeZone: 'Asia/Shanghai' });
    const profile = await w.profile('c-1');
    expect(profile.suppressed).toBeUndefined();
    expect(profile.suppressionChecked).toEqual({ email: key.email });
    expect(await w.send('c-1')).toMatchObject({ status: 'sent' });
    expect(w.listReads).toEqual([]);
  });

  it('a new address: the check follows it (listed: marked), and the old one’s use is forgotten', async () => {
    const w = world();
    const next = suppressionKey('email', 'li.new@example.com');
    await w.store.putSuppression(listed(next));
    await w.ingest('c-1', { email: EMAIL, timeZone: 'Asia/Shanghai' });
    await w.ingest('c-1', { email: 'li.new@example.com' });
    const profile = await w.profile('c-1');
    expect(profile.suppressionChecked).toEqual({ email: next });
    expect(profile.suppressed?.email).toMatchObject({ reason: 'complaint' });
    expect(await w.store.listAddressUsers(key.email)).toEqual([]);
    expect(await w.store.listAddressUsers(next)).toEqual(['c-1']);
    // An event that gives no address leaves the check as it was.
    await w.ingest('c-1', { locale: 'zh-CN' });
    expect((await w.profile('c-1')).suppressionChecked).toEqual({ email: next });
  });

  it('a listed address in an event that lost the race to write the profile: marked on its retry', async () => {
    const w = world();
    await w.store.putSuppression(listed(key.email));
    // Both read no profile; the first to write wins, the other applies itself again on what it wrote.
    await Promise.all([w.ingest('c-1', { timeZone: 'Asia/Shanghai' }), w.ingest('c-1', { email: EMAIL })]);
    const profile = await w.profile('c-1');
    expect(profile.version).toBe(2);
    expect(profile.suppressed?.email).toMatchObject({ reason: 'complaint' });
    expect(profile.suppressionChecked).toEqual({ email: key.email });
    expect(await w.store.listAddressUsers(key.email)).toEqual(['c-1']);
  });

  it('a delivery that stopped after the profile write: the redelivery remembers the address’s user', async () => {
    const w = world();
    w.failures.putJourneyEntries = 1;
    await expect(w.ingest('c-1', { email: EMAIL }, 'e-9')).rejects.toThrow('crashed');
    expect((await w.profile('c-1')).suppressionChecked).toEqual({ email: key.email });
    expect(await w.store.listAddressUsers(key.email)).toEqual([]);
    expect(await w.ingest('c-1', { email: EMAIL }, 'e-9')).toMatchObject({ status: 'accepted' });
    expect(await w.store.listAddressUsers(key.email)).toEqual(['c-1']);
  });

  it.each([
    ['without the check (written before it existed)', undefined],
    ['whose check is of another address', { email: suppressionKey('email', 'li.old@example.com') }],
  ])('a profile %s: the send reads the list, and heeds it', async (_what, suppressionChecked) => {
    const w = world();
    await w.store.putProfile({
      ...newProfile('c-1', workflows.lifecycle, clock.now()),
      email: EMAIL,
      timeZone: 'Asia/Shanghai',
      ...(suppressionChecked ? { suppressionChecked } : {}),
      version: 1,
    });
    await w.store.putSuppression(listed(key.email));
    expect(await w.send('c-1')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect(w.listReads).toEqual([key.email]);
    expect(w.sent).toEqual([]);
  });

  it.each([
    ['a bounce of a message to the other customer', 'bounce'],
    ['the other customer’s erasure', 'erased'],
  ] as const)(
    'an address shared with another customer, listed after the check by %s: the profile is marked',
    async (_how, reason) => {
      const w = world();
      await w.ingest('c-1', { email: EMAIL, timeZone: 'Asia/Shanghai' });
      await w.ingest('c-2', { email: EMAIL.toUpperCase() });
      if (reason === 'erased') await eraseCustomer('c-2', w.suppressDeps);
      else
        await suppressAddress(
          { channel: 'email', address: EMAIL, reason, source: 'ses:bounce:f-2', customerIds: ['c-2'] },
          w.suppressDeps,
        );
      expect((await w.profile('c-1')).suppressed?.email).toMatchObject({ reason });
      expect(await w.send('c-1')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
      expect(w.sent).toEqual([]);
    },
  );
});

/**
 * Ingest (remember the address's user, read the list) against suppressAddress (write the list, list the
 * users): each side writes its own record before it reads the other's, so one of them sees the other.
 */
describe('an address suppressed while an event that brings it is ingested', () => {
  const bounce = (w: ReturnType<typeof world>) =>
    suppressAddress(
      { channel: 'email', address: EMAIL, reason: 'bounce', source: 'ses:bounce:f-9', customerIds: ['c-2'] },
      w.suppressDeps,
    );
  const expectSuppressed = async (w: ReturnType<typeof world>) => {
    expect(await w.send('c-1')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect(w.sent).toEqual([]);
    // As if ingest had found the address listed in its first read (checkAddresses).
    const profile = await w.profile('c-1');
    expect(profile.suppressed?.email).toMatchObject({ reason: 'bounce', source: 'ses:bounce:f-9' });
    expect(profile.suppressionHistory).toEqual([
      expect.objectContaining({ channel: 'email', change: 'suppressed', reason: 'bounce' }),
    ]);
    expect(profile.suppressionChecked).toEqual({ email: key.email });
    expect(await w.store.listAddressUsers(key.email)).toEqual(['c-1']);
  };

  it('the bounce lands after ingest read the list and before it remembered the user: marked', async () => {
    const w = world();
    w.hooks.afterFacts = async () => void (await bounce(w));
    await w.ingest('c-1', { email: EMAIL, timeZone: 'Asia/Shanghai' });
    await expectSuppressed(w);
  });

  it('ingest stopped after the profile write and the bounce came before the redelivery: marked', async () => {
    const w = world();
    w.failures.putJourneyEntries = 1;
    await expect(w.ingest('c-1', { email: EMAIL, timeZone: 'Asia/Shanghai' }, 'e-9')).rejects.toThrow(
      'crashed',
    );
    await bounce(w);
    expect(await w.ingest('c-1', { email: EMAIL, timeZone: 'Asia/Shanghai' }, 'e-9')).toMatchObject({
      status: 'accepted',
    });
    await expectSuppressed(w);
  });
});
