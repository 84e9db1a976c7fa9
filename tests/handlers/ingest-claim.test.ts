import { differingFields, EVENT_LEASE_MS, EventIdReusedError, fingerprintOf } from '../../domain/event-claim';
import type { PurchaseEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { applyEvent } from '../../domain/lifecycle/apply';
import type { EventClaim, LifecycleDeps } from '../../domain/ports';
import { createLexiconClassifier } from '../../adapters/sentiment/lexicon';
import { createIngestEventHandler } from '../../functions/ingest-event/handler';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createLogger } from '../../functions/shared/observability';
import { capturedLogLines } from '../support/logs';
import { invokeLambda } from '../../local/lambda';
import type { EventBridgeEvent, SQSBatchResponse } from 'aws-lambda';
import { shippedLifecycleDeps } from '../support/lifecycle';
import { fixture, PURCHASE, sqsBatch, startDynalite, type LocalDynamo, type Table } from './support';

/**
 * Exactly-once ingest against dynalite's real conditional writes: one claim per event, a crashed
 * delivery's claim taken over after its lease, a reused event id refused with what differs.
 */
const NOW = '2026-11-22T10:00:02.000Z';
const EVENT = PURCHASE as unknown as PurchaseEvent;

let dynamo: LocalDynamo;
let table: Table;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo?.stop());
beforeEach(async () => {
  table = await dynamo.freshTable();
});

// ingestEvent as ingest-event runs it: with that function's grants.
const world = () => shippedLifecycleDeps(table.storeFor('ingest-event'), NOW);

/** What a delivery that stopped dead right after claiming (and maybe applying) leaves behind. */
async function crashedClaim(deps: LifecycleDeps, applied: boolean): Promise<EventClaim> {
  const now = deps.clock.now();
  const claim: EventClaim = {
    customerId: EVENT.customerId,
    eventId: EVENT.eventId,
    type: EVENT.type,
    at: EVENT.at,
    state: 'claimed',
    fingerprint: fingerprintOf(EVENT),
    claimId: 'crashed-delivery',
    claimedAt: now.toISOString(),
    leaseUntil: new Date(now.getTime() + EVENT_LEASE_MS).toISOString(),
  };
  expect(await table.store.writeEvent(claim)).toBe(true);
  if (applied) await table.store.putProfile(applyEvent(undefined, EVENT, deps.lifecycle, now).profile);
  return claim;
}

describe('ingest: one claim per event', () => {
  it('50 concurrent deliveries: one is accepted, 49 are duplicates; one announcement, one journey start', async () => {
    const { deps, starter, publisher } = world();
    const results = await Promise.all(Array.from({ length: 50 }, () => ingestEvent(EVENT, deps)));
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(49);
    expect(publisher.published.map((c) => c.to)).toEqual(['first-purchase']);
    expect([...starter.started.values()].map((i) => i.journeyId)).toEqual(['first-small-purchase']);
    const profile = await table.store.getProfile('c-42');
    expect(profile).toMatchObject({ purchaseCount: 1, version: 1 });
    expect(await table.store.getEvent('c-42', 'e-1')).toMatchObject({ state: 'done' });
  });

  it('a claim left by a delivery that stopped dead: a copy during its lease is a duplicate; the first after it finishes the work once', async () => {
    const { deps, clock, starter, publisher } = world();
    await crashedClaim(deps, true);
    clock.advance(EVENT_LEASE_MS - 1);
    expect((await ingestEvent(EVENT, deps)).status).toBe('duplicate');
    expect(publisher.published).toEqual([]);

    clock.advance(1);
    const taken = await ingestEvent(EVENT, deps);
    expect(taken).toMatchObject({ status: 'accepted', stage: 'first-purchase' });
    // The profile already had the event: it is not counted again, but its change is announced and its
    // journey started, which the crashed delivery never did.
    expect(await table.store.getProfile('c-42')).toMatchObject({ purchaseCount: 1, version: 1 });
    expect(publisher.published.map((c) => c.to)).toEqual(['first-purchase']);
    expect(starter.started.size).toBe(1);
    expect(await table.store.getEvent('c-42', 'e-1')).toMatchObject({ state: 'done' });
    expect((await ingestEvent(EVENT, deps)).status).toBe('duplicate');
    expect(starter.started.size).toBe(1);
  });

  it('a crash before the profile was written: the takeover applies the event', async () => {
    const { deps, clock, starter } = world();
    await crashedClaim(deps, false);
    clock.advance(EVENT_LEASE_MS);
    expect((await ingestEvent(EVENT, deps)).status).toBe('accepted');
    expect(await table.store.getProfile('c-42')).toMatchObject({ purchaseCount: 1, version: 1 });
    expect(starter.started.size).toBe(1);
  });

  it('two takeovers racing for one expired claim: one wins', async () => {
    const { deps, clock, starter, publisher } = world();
    await crashedClaim(deps, false);
    clock.advance(EVENT_LEASE_MS);
    const results = await Promise.all(Array.from({ length: 10 }, () => ingestEvent(EVENT, deps)));
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1);
    expect(publisher.published).toHaveLength(1);
    expect(starter.started.size).toBe(1);
  });

  it('a delivery that fails gives way at once: the redelivery finishes, without waiting for the lease', async () => {
    const { deps, starter } = world();
    const failing = { ...deps, publisher: { publish: () => Promise.reject(new Error('bus down')) } };
    await expect(ingestEvent(EVENT, failing)).rejects.toThrow('bus down');
    expect(await table.store.getEvent('c-42', 'e-1')).toBeUndefined();
    expect((await ingestEvent(EVENT, deps)).status).toBe('accepted');
    expect(starter.started.size).toBe(1);
  });
});

describe('ingest: the same event id with another payload', () => {
  it('is refused, naming the top-level and customer fields that differ; the same payload stays a duplicate', async () => {
    const { deps } = world();
    await ingestEvent(EVENT, deps);
    const changed = { ...EVENT, amount: 29.9, customer: { ...EVENT.customer, email: 'other@example.com' } };
    const refusal = await ingestEvent(changed, deps).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(EventIdReusedError);
    expect((refusal as EventIdReusedError).problems.map((p) => p.field)).toEqual([
      'amount',
      'customer.email',
    ]);
    expect((await ingestEvent({ ...EVENT }, deps)).status).toBe('duplicate');
    expect(await table.store.getProfile('c-42')).toMatchObject({ purchaseCount: 1 });
  });

  it('keeps no personal data: the record holds hashes, not the address', async () => {
    await ingestEvent(EVENT, world().deps);
    const record = JSON.stringify(await table.store.getEvent('c-42', 'e-1'));
    expect(record).not.toContain('li@example.com');
    expect(record).not.toContain('Asia/Shanghai');
  });

  it('a timestamp in another notation for the same instant is the same event; key order does not matter', () => {
    const base = fingerprintOf(EVENT);
    const same = fingerprintOf({
      ...EVENT,
      at: '2026-11-22T18:00:00.000+08:00',
      customer: { timeZone: 'Asia/Shanghai', locale: 'zh-CN', email: 'li@example.com' },
    });
    expect(same.payload).toBe(base.payload);
    const later = fingerprintOf({ ...EVENT, at: '2026-11-22T10:00:01Z' });
    expect(differingFields(base, later)).toEqual(['at']);
    const without = fingerprintOf({ ...EVENT, customer: undefined });
    expect(differingFields(base, without)).toEqual([
      'customer.email',
      'customer.locale',
      'customer.timeZone',
    ]);
  });
});

describe('ingest-event from EventBridge: a reused event id', () => {
  it('is a failure of its message (delivered again, then dead-lettered), logged without the values it quotes', async () => {
    const logger = createLogger({ logLevel: 'INFO' });
    const logs = capturedLogLines();
    const handler = createIngestEventHandler({
      logger,
      metrics: new Metrics({ namespace: 'Rapport', logger }),
      ...world().deps,
      sentiment: createLexiconClassifier(),
    });
    const bridge = fixture<EventBridgeEvent<string, Record<string, unknown>>>('eventbridge-purchase.json');
    const first = { ...bridge, detail: { ...EVENT } };
    const reused = { ...bridge, detail: { ...EVENT, customer: { email: 'someone-else@example.com' } } };
    let results: SQSBatchResponse[];
    try {
      results = [];
      for (const message of [first, reused])
        results.push(
          (await invokeLambda(
            'rapport-ingest-event',
            handler,
            sqsBatch('sqs-ingest-batch.json', message),
          )) as SQSBatchResponse,
        );
    } finally {
      logs.restore();
    }
    expect(results.map((r) => r.batchItemFailures.length)).toEqual([0, 1]);
    const written = JSON.stringify(logs.lines);
    expect(written).toContain('EventIdReusedError');
    expect(written).toContain('customer.email');
    expect(written).not.toContain('someone-else@example.com');
  });
});
