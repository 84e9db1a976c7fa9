import { memoryStore } from '../../adapters/memory/stores';
import { EVENT_LEASE_MS } from '../../domain/event-claim';
import type { PurchaseEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import type {
  CustomerStore,
  EventClaim,
  JourneyStarter,
  LifecycleDeps,
  StaleClaim,
} from '../../domain/ports';
import { recoverStaleClaims } from '../../domain/recover';
import { deliveryThatDies, wiredSweepHandler } from '../support/sweep';
import { invokeLambda } from '../../local/lambda';
import { capturedLogLines } from '../support/logs';
import { shippedLifecycleDeps } from '../support/lifecycle';
import { spiedObservability } from '../support/metrics';
import { PURCHASE, startDynalite, type LocalDynamo, type Table } from './support';

/**
 * Issue 10, "no gap between accepted and started": a delivery that dies after the profile write, when
 * nobody delivers the event again, has its work finished by the recovery pass of the next sweep.
 */
const NOW = '2026-11-22T10:00:02.000Z';
const EVENT = PURCHASE as unknown as PurchaseEvent;

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo?.stop());

/** A store for the test, and the store as a function's role lets it be used (a memory store has no IAM). */
type Backend = Pick<Table, 'store' | 'storeFor'>;
const stores: [string, () => Promise<Backend>][] = [
  ['dynalite', () => dynamo.freshTable()],
  ['memory', async () => ((store) => ({ store, storeFor: () => store }))(memoryStore())],
];

/**
 * Deliveries run as ingest-event, recovery passes as the sweep (its workers as sweep-worker); `store` is for
 * seeding and assertions.
 */
const world = async (makeStore: () => Promise<Backend>) => {
  const backend = await makeStore();
  const ingest = shippedLifecycleDeps(backend.storeFor('ingest-event'), NOW);
  const asSweep = { ...ingest.deps, store: backend.storeFor('sweep') };
  return { ...ingest, store: backend.store, asSweep, workerStore: backend.storeFor('sweep-worker') };
};

/** Every claim in the due index, in its lease or not. */
async function indexedClaims(store: CustomerStore): Promise<StaleClaim[]> {
  const out: StaleClaim[] = [];
  for await (const page of store.listClaims(10)) out.push(...page);
  return out;
}

function sweepHandler(deps: LifecycleDeps, workerStore: CustomerStore) {
  const { logger, metrics, published } = spiedObservability();
  const handler = wiredSweepHandler({ ...deps, logger, metrics }, workerStore);
  return { published, run: () => invokeLambda('rapport-sweep', handler, {}) };
}

describe.each(stores)('recovery of an event whose delivery died (%s)', (_name, makeStore) => {
  it('a sweep after the lease starts the journey once and marks the event done; before it, and again after, nothing', async () => {
    const { deps, store, asSweep, workerStore, clock, starter, publisher } = await world(makeStore);
    await deliveryThatDies(EVENT, deps);
    expect(await store.getProfile('c-42')).toMatchObject({ purchaseCount: 1, version: 1 });
    expect(starter.started.size).toBe(0);
    const sweep = sweepHandler(asSweep, workerStore);

    // The sweep reads the claim with the due customers, but its lease holds: left alone, not a failure.
    clock.advance(EVENT_LEASE_MS - 1);
    expect(await sweep.run()).toMatchObject({ recovery: { recovered: [], failed: [] }, claimsInLease: 1 });
    expect(starter.started.size).toBe(0);
    expect(await store.getEvent('c-42', 'e-1')).toMatchObject({ state: 'claimed' });
    expect(sweep.published).not.toHaveProperty('EventRecoveriesFailed');

    clock.advance(1);
    const out = capturedLogLines();
    try {
      await sweep.run();
    } finally {
      out.restore();
    }
    expect([...starter.started.values()].map((i) => i.journeyId)).toEqual(['first-small-purchase']);
    expect(publisher.published.map((c) => c.to)).toEqual(['first-purchase']);
    expect(await store.getProfile('c-42')).toMatchObject({ purchaseCount: 1, version: 1 });
    const done = await store.getEvent('c-42', 'e-1');
    expect(done).toMatchObject({ state: 'done', executions: [{ journeyId: 'first-small-purchase' }] });
    // The done record keeps hashes only, and the claim has left the index.
    expect(JSON.stringify(done)).not.toContain('li@example.com');
    expect(await indexedClaims(store)).toEqual([]);
    expect(sweep.published).toMatchObject({ EventsRecovered: 1 });
    expect(sweep.published).not.toHaveProperty('EventRecoveriesFailed');
    const line = out.lines.find((l) => String(l.message).startsWith('event recovered'));
    expect(line).toMatchObject({ level: 'WARN', customerId: 'c-42', eventId: 'e-1' });
    expect(JSON.stringify(out.lines)).not.toContain('li@example.com');

    clock.advance(EVENT_LEASE_MS);
    expect(await recoverStaleClaims(asSweep)).toEqual({ recovered: [], failed: [] });
    await sweep.run();
    expect(starter.started.size).toBe(1);
    expect(publisher.published).toHaveLength(1);
  });

  it('a late redelivery racing the recovery pass, both having read the stale claim: one finishes it, the journey starts once', async () => {
    const { deps, store, asSweep, clock, starter, publisher } = await world(makeStore);
    await deliveryThatDies(EVENT, deps);
    clock.advance(EVENT_LEASE_MS);
    const dead = (await store.getEvent('c-42', 'e-1')) as EventClaim;
    // Each one's takeover write waits until both have read the stale claim and try to take it over.
    const racing: (() => void)[] = [];
    const racingTakeover = (own: CustomerStore): CustomerStore => ({
      ...own,
      writeEvent: async (record, holder) => {
        if (holder === dead.claimId && racing.length < 2)
          await new Promise<void>((go) => {
            racing.push(go);
            if (racing.length === 2) racing.forEach((release) => release());
          });
        return own.writeEvent(record, holder);
      },
    });
    const [redelivered, recovery] = await Promise.all([
      ingestEvent(EVENT, { ...deps, store: racingTakeover(deps.store) }),
      recoverStaleClaims({ ...asSweep, store: racingTakeover(asSweep.store) }),
    ]);
    expect(racing).toHaveLength(2);
    expect(recovery.failed).toEqual([]);
    expect([redelivered.status === 'accepted', recovery.recovered.length === 1].filter(Boolean)).toHaveLength(
      1,
    );
    expect(starter.started.size).toBe(1);
    expect(publisher.published).toHaveLength(1);
    expect(await store.getEvent('c-42', 'e-1')).toMatchObject({ state: 'done' });
    expect(await store.getProfile('c-42')).toMatchObject({ purchaseCount: 1, version: 1 });
  });

  it('a recovery that fails keeps the claim (no source will redeliver): the next pass finishes it', async () => {
    const { deps, store, asSweep, clock, starter } = await world(makeStore);
    await deliveryThatDies(EVENT, deps);
    clock.advance(EVENT_LEASE_MS);
    const down: JourneyStarter = { ...starter, start: () => Promise.reject(new Error('states down')) };
    const failed = await recoverStaleClaims({ ...asSweep, starter: down });
    expect(failed).toEqual({
      recovered: [],
      failed: [{ customerId: 'c-42', eventId: 'e-1', error: 'Error' }],
    });
    expect(await store.getEvent('c-42', 'e-1')).toMatchObject({ state: 'claimed' });

    expect((await recoverStaleClaims(asSweep)).recovered).toEqual([]); // its new lease holds
    clock.advance(EVENT_LEASE_MS);
    expect((await recoverStaleClaims(asSweep)).recovered).toEqual([{ customerId: 'c-42', eventId: 'e-1' }]);
    expect(starter.started.size).toBe(1);
  });

  it('a delivery that fails and releases its claim takes it out of the index', async () => {
    const { deps, store } = await world(makeStore);
    const failing = { ...deps, publisher: { publish: () => Promise.reject(new Error('bus down')) } };
    await expect(ingestEvent(EVENT, failing)).rejects.toThrow('bus down');
    expect(await indexedClaims(store)).toEqual([]);
  });
});
