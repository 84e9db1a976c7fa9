import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { fixedClock } from '../../domain/clock';
import { EVENT_LEASE_MS } from '../../domain/event-claim';
import type { PurchaseEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { invokeLambda } from '../../local/lambda';
import { servicesOnDynalite, queuedStarts, type MockedServices } from '../support/checked-services';
import { shippedLifecycleDeps } from '../support/lifecycle';
import { checkedSweep, deliveryThatDies, ENDING_ENTRY } from '../support/sweep';
import { fixture, PURCHASE, type Table } from './support';

/*
 * The sweep and its workers on their production adapters (sweep.test.ts and sweep-worker.test.ts test
 * their behaviour in memory): every call they make on AWS is checked against the role of the function
 * that makes it (tests/support/grants.ts). Customers are seeded as ingest leaves them.
 */

let table: Table;
const services = servicesOnDynalite('2026-04-10T00:00:00.000Z', (t) => (table = t));

/** The lifecycle changes announced on EventBridge, as `<customer> <kind> → <to>`. */
const announced = (s: MockedServices) =>
  s.stubs.eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((c) => c.args[0].input.Entries ?? [])
    .map((e) => JSON.parse(e.Detail ?? '{}') as { customerId: string; kind: string; to: string })
    .map((c) => `${c.customerId} ${c.kind} → ${c.to}`);
const journeysQueued = (s: MockedServices) => [...queuedStarts(s).values()].map((i) => i.journeyId);

describe('sweep and sweep-worker, as their roles let them', () => {
  it('a customer silent for 100 days is handed to a worker, turns dormant, is announced and enters the dormancy journey', async () => {
    const ingest = shippedLifecycleDeps(table.store, '2026-01-01T00:00:00.000Z');
    const purchase = { ...PURCHASE, at: '2026-01-01T00:00:00Z' } as PurchaseEvent;
    await ingestEvent(purchase, ingest.deps);

    const sweep = checkedSweep(table, services, fixedClock('2026-04-10T00:00:00.000Z'));
    expect(await sweep.run()).toMatchObject({ ran: true, queued: 1 });

    expect(sweep.workerResponses).toEqual([{ batchItemFailures: [] }]);
    expect((await table.store.getProfile('c-42'))?.stage).toBe('dormant');
    expect(announced(services)).toContain('c-42 stage → dormant');
    expect(journeysQueued(services)).toContain('dormancy-reactivation');
  });

  it("the sweep's recovery pass finishes a delivery that died: the change announced, the journey queued", async () => {
    const ingest = shippedLifecycleDeps(table.storeFor('ingest-event'), '2026-11-22T10:00:02.000Z');
    await deliveryThatDies(PURCHASE as PurchaseEvent, ingest.deps);
    ingest.clock.advance(EVENT_LEASE_MS);

    const sweep = checkedSweep(table, services, ingest.clock);
    expect(await sweep.run()).toMatchObject({ recovery: { recovered: [{ eventId: 'e-1' }], failed: [] } });

    expect(announced(services)).toEqual(['c-42 stage → first-purchase']);
    expect(journeysQueued(services)).toEqual(['first-small-purchase']);
    expect(await table.store.getEvent('c-42', 'e-1')).toMatchObject({ state: 'done' });
  });

  it("sweep-worker records a journey execution's end on its entry", async () => {
    await table.store.putJourneyEntries([ENDING_ENTRY]);
    const { worker } = checkedSweep(table, services, fixedClock('2026-03-09T08:00:06Z'));
    const ended = fixture<SQSEvent>('sqs-execution-status-change.json');
    const response = (await invokeLambda('rapport-sweep-worker', worker, ended)) as SQSBatchResponse;
    expect(response.batchItemFailures).toEqual([]);
    expect(await table.store.listAllJourneyEntries('c-1')).toEqual([
      { ...ENDING_ENTRY, ended: { at: '2026-03-09T08:00:05.123Z', status: 'SUCCEEDED' } },
    ]);
  });
});
