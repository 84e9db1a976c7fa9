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
import { wiredSweepHandler } from '../support/sweep';
import { invokeLambda } from '../../local/lambda';
import { capturedLogLines } from '../support/logs';
import { shippedLifecycleDeps } from '../support/lifecycle';
import { spiedObservability } from '../support/metrics';
import { PURCHASE, startDynalite, type LocalDynamo } from './support';

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

const stores: [string, () => Promise<CustomerStore>][] = [
  ['dynalite', async () => (await dynamo.freshTable()).store],
  ['memory', async () => memoryStore()],
];

const world = async (makeStore: () => Promise<CustomerStore>) => shippedLifecycleDeps(await makeStore(), NOW);

/**
 * A delivery that stops dead right after the profile write, as a Lambda timeout or kill -9 would: its
 * announcement never returns, so it neither finishes nor releases its claim. Resolves once it has stopped.
 */
async function deliveryThatDies(deps: LifecycleDeps): Promise<void> {
  let stopped!: () => void;
  const reached = new Promise<void>((resolve) => (stopped = resolve));
  const dying = {
    ...deps,
    publisher: {
      publish: () => {
        stopped();
        return new Promise<void>(() => undefined);
      },
    },
  };
  void ingestEvent(EVENT, dying);
  await reached;
}

/** Every claim in the due index, in its lease or not. */
async function indexedClaims(store: CustomerStore): Promise<StaleClaim[]> {
  const out: StaleClaim[] = [];
  for await (const page of store.listClaims(10)) out.push(...page);
  return out;
}

function sweepHandler(deps: LifecycleDeps) {
  const { logger, metrics, published } = spiedObservability();
  const handler = wiredSweepHandler({ ...deps, logger, metrics });
  return { published, run: () => invokeLambda('rapport-sweep', handler, {}) };
}

describe.each(stores)('recovery of an event whose delivery died (%s)', (_name, makeStore) => {
  it('a sweep after the lease starts the journey once and marks the event done; before it, and again after, nothing', async () => {
    const { deps, clock, starter, publisher } = await world(makeStore);
    await deliveryThatDies(deps);
    expect(await deps.store.getProfile('c-42')).toMatchObject({ purchaseCount: 1, version: 1 });
    expect(starter.started.size).toBe(0);
    const sweep = sweepHandler(deps);

    // The sweep reads the claim with the due customers, but its lease holds: left alone, not a failure.
    clock.advance(EVENT_LEASE_MS - 1);
    expect(await sweep.run()).toMatchObject({ recovery: { recovered: [], failed: [] }, claimsInLease: 1 });
    expect(starter.started.size).toBe(0);
    expect(await deps.store.getEvent('c-42', 'e-1')).toMatchObject({ state: 'claimed' });
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
    expect(await deps.store.getProfile('c-42')).toMatchObject({ purchaseCount: 1, version: 1 });
    const done = await deps.store.getEvent('c-42', 'e-1');
    expect(done).toMatchObject({ state: 'done', executions: [{ journeyId: 'first-small-purchase' }] });
    // The done record keeps hashes only, and the claim has left the index.
    expect(JSON.stringify(done)).not.toContain('li@example.com');
    expect(await indexedClaims(deps.store)).toEqual([]);
    expect(sweep.published).toMatchObject({ EventsRecovered: 1 });
    expect(sweep.published).not.toHaveProperty('EventRecoveriesFailed');
    const line = out.lines.find((l) => String(l.message).startsWith('event recovered'));
    expect(line).toMatchObject({ level: 'WARN', customerId: 'c-42', eventId: 'e-1' });
    expect(JSON.stringify(out.lines)).not.toContain('li@example.com');

    clock.advance(EVENT_LEASE_MS);
    expect(await recoverStaleClaims(deps)).toEqual({ recovered: [], failed: [] });
    await sweep.run();
    expect(starter.started.size).toBe(1);
    expect(publisher.published).toHaveLength(1);
  });

  it('a late redelivery racing the recovery pass, both having read the stale claim: one finishes it, the journey starts once', async () => {
    const { deps, clock, starter, publisher } = await world(makeStore);
    await deliveryThatDies(deps);
    clock.advance(EVENT_LEASE_MS);
    const dead = (await deps.store.getEvent('c-42', 'e-1')) as EventClaim;
    // Each one's takeover write waits until both have read the stale claim and try to take it over.
    const racing: (() => void)[] = [];
    const store: CustomerStore = {
      ...deps.store,
      writeEvent: async (record, holder) => {
        if (holder === dead.claimId && racing.length < 2)
          await new Promise<void>((go) => {
            racing.push(go);
            if (racing.length === 2) racing.forEach((release) => release());
          });
        return deps.store.writeEvent(record, holder);
      },
    };
    const [redelivered, recovery] = await Promise.all([
      ingestEvent(EVENT, { ...deps, store }),
      recoverStaleClaims({ ...deps, store }),
    ]);
    expect(racing).toHaveLength(2);
    expect(recovery.failed).toEqual([]);
    expect([redelivered.status === 'accepted', recovery.recovered.length === 1].filter(Boolean)).toHaveLength(
      1,
    );
    expect(starter.started.size).toBe(1);
    expect(publisher.published).toHaveLength(1);
    expect(await deps.store.getEvent('c-42', 'e-1')).toMatchObject({ state: 'done' });
    expect(await deps.store.getProfile('c-42')).toMatchObject({ purchaseCount: 1, version: 1 });
  });

  it('a recovery that fails keeps the claim (no source will redeliver): the next pass finishes it', async () => {
    const { deps, clock, starter } = await world(makeStore);
    await deliveryThatDies(deps);
    clock.advance(EVENT_LEASE_MS);
    const down: JourneyStarter = { ...starter, start: () => Promise.reject(new Error('states down')) };
    const failed = await recoverStaleClaims({ ...deps, starter: down });
    expect(failed).toEqual({
      recovered: [],
      failed: [{ customerId: 'c-42', eventId: 'e-1', error: 'Error' }],
    });
    expect(await deps.store.getEvent('c-42', 'e-1')).toMatchObject({ state: 'claimed' });

    expect((await recoverStaleClaims(deps)).recovered).toEqual([]); // its new lease holds
    clock.advance(EVENT_LEASE_MS);
    expect((await recoverStaleClaims(deps)).recovered).toEqual([{ customerId: 'c-42', eventId: 'e-1' }]);
    expect(starter.started.size).toBe(1);
  });

  it('a delivery that fails and releases its claim takes it out of the index', async () => {
    const { deps } = await world(makeStore);
    const failing = { ...deps, publisher: { publish: () => Promise.reject(new Error('bus down')) } };
    await expect(ingestEvent(EVENT, failing)).rejects.toThrow('bus down');
    expect(await indexedClaims(deps.store)).toEqual([]);
  });
});
