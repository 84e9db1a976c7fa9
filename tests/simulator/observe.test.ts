import { memoryStore } from '../../adapters/memory/stores';
import { DEFAULT_SCALE } from '../../domain/config/scale';
import type { CustomerStore } from '../../domain/ports';
import { observedStore } from '../../local/simulator/observe';
import { Tally } from '../../local/simulator/tally';
import { journeySummary } from '../../local/simulator/aggregate';
import { testJourney } from '../support/journeys';
import { AT, claim, entry, message, pacing, pagesOf, profile } from '../contract/records';

/** The item sizes DynamoDB bills: the JSON of each result read and each item written, in bytes. */
const json = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
const readUnits = (result: unknown) => Math.max(1, Math.ceil(json(result) / 4096));
const writeUnits = (item: unknown) => Math.max(1, Math.ceil(json(item) / 1024));

function watched() {
  return observedStore((meter) => memoryStore({ meter }), new Tally(Date.parse(AT)));
}

/** Every call's units, one at a time: what was billed since the last look. */
function billed(seen: { readRequestUnits: number; writeRequestUnits: number }) {
  let before = { reads: seen.readRequestUnits, writes: seen.writeRequestUnits };
  return () => {
    const now = { reads: seen.readRequestUnits, writes: seen.writeRequestUnits };
    const since = { reads: now.reads - before.reads, writes: now.writes - before.writes };
    before = now;
    return since;
  };
}

describe('the request units a simulation bills, from the sizes the memory store tells', () => {
  // Histories long enough that the item spans several KB: the units follow the bytes, not the calls.
  const long = profile('c-1', {
    stageHistory: Array.from({ length: 40 }, (_, i) => ({
      from: 'active' as const,
      to: 'dormant' as const,
      at: AT,
      cause: { kind: 'event' as const, eventId: `e-${i}`, eventType: 'purchase' },
    })),
  });

  it('bills a read per 4 KB of its result and a write per 1 KB of its item, twice when indexed', async () => {
    const { store, seen } = watched();
    const since = billed(seen);
    expect(json(long)).toBeGreaterThan(4096);
    await store.putProfile({ ...long, dueAt: AT });
    expect(since()).toEqual({ reads: 0, writes: 2 * writeUnits({ ...long, dueAt: AT }) });
    const got = await store.getProfile('c-1');
    expect(since()).toEqual({ reads: readUnits(got), writes: 0 });
    expect(readUnits(got)).toBe(2);
    expect(await store.getProfile('c-2')).toBeUndefined();
    expect(since()).toEqual({ reads: 1, writes: 0 });
  });

  it('bills a query by the JSON of the whole list it gives', async () => {
    const { store, seen } = watched();
    for (let i = 0; i < 12; i++)
      await store.putJourneyEntries([entry('c-1', 'j-1', `x-${i}`, `2026-06-0${1 + (i % 9)}T00:00:00.000Z`)]);
    const since = billed(seen);
    const entries = await store.listJourneyEntries('c-1', 'j-1');
    expect(entries).toHaveLength(12);
    expect(since()).toEqual({ reads: readUnits(entries), writes: 0 });
    expect(await store.listAwaits('c-1', 'nothing')).toEqual([]);
    expect(since()).toEqual({ reads: readUnits([]), writes: 0 });
  });

  it('bills a conditional write that is refused, a key-only write once, and a version conflict not at all', async () => {
    const { store, seen } = watched();
    const since = billed(seen);
    const held = claim('c-1', 'e-1', 'h-1');
    await store.writeEvent(held);
    const refused = claim('c-1', 'e-1', 'h-2');
    expect(await store.writeEvent(refused)).toBe(false);
    expect(since()).toEqual({ reads: 0, writes: 2 * writeUnits(held) + 2 * writeUnits(refused) });
    await store.releaseEvent('c-1', 'e-1', 'h-1');
    await store.releaseMessage('c-1', 'm-1');
    expect(since()).toEqual({ reads: 0, writes: 3 });
    await store.putPacing(pacing('c-1', 1));
    await expect(store.putPacing(pacing('c-1', 1))).rejects.toThrow();
    expect(since()).toEqual({ reads: 0, writes: writeUnits(pacing('c-1', 1)) });
  });

  it('measures a record planted straight into the store, and its replacement, when they are read', async () => {
    const { store, seen } = watched();
    await store.putProfile(profile('c-1'));
    (store as ReturnType<typeof memoryStore>).profiles.set('c-1', long);
    const since = billed(seen);
    expect(await store.getProfile('c-1')).toEqual(long);
    expect(since()).toEqual({ reads: readUnits(long), writes: 0 });
    expect(readUnits(long)).toBe(2);
  });

  it('keeps what it reads and writes apart from what the store holds', async () => {
    const { store } = watched();
    const sent = message('c-1', 'm-1', { status: 'sending' });
    await store.claimMessage(sent);
    sent.status = 'sent';
    const got = (await store.getMessage('c-1', 'm-1'))!;
    expect(got.status).toBe('sending');
    got.status = 'failed';
    expect((await store.getMessage('c-1', 'm-1'))?.status).toBe('sending');
  });

  it('bills one query per shard per due-index pass, as the adapter reads its shards side by side', async () => {
    const { store, seen } = watched();
    const since = billed(seen);
    expect(await pagesOf((store as CustomerStore).listDueWork(AT, 10))).toEqual([]);
    expect(since()).toEqual({ reads: DEFAULT_SCALE.dueShards, writes: 0 });
  });
});

describe('what a simulation tallies from the writes it watches', () => {
  it('counts a conversion written with other entries in one call as one written alone', async () => {
    const { store, seen } = watched();
    const converted = (x: string) => ({ ...entry('c-1', 'j-1', x), converted: { eventId: 'e-9', at: AT } });
    await store.putJourneyEntries([converted('x-1')]);
    await store.putJourneyEntries([converted('x-2'), entry('c-1', 'j-2', 'x-3'), converted('x-4')]);
    expect([...seen.tally.converted.keys()].sort()).toEqual(['x-1', 'x-2', 'x-4']);
  });

  it('counts every goal event a journey reached, and as conversions only those attributed to it', async () => {
    const { store, seen } = watched();
    const converted = (x: string, journeyId: string, attributed?: boolean) => ({
      ...entry('c-1', journeyId, x),
      converted: { eventId: 'e-9', at: AT, ...(attributed === undefined ? {} : { attributed }) },
    });
    // One purchase ended both journeys and counts for j-2; x-3 converted before attribution was recorded.
    await store.putJourneyEntries([converted('x-1', 'j-1', false), converted('x-2', 'j-2', true)]);
    await store.putJourneyEntries([converted('x-3', 'j-1'), entry('c-2', 'j-1', 'x-4')]);
    const summary = (id: string) =>
      journeySummary(
        testJourney({ id, entry: { event: 'purchase' }, steps: [{ id: 'done', type: 'exit' }] }),
        seen.tally,
      );
    expect(summary('j-1')).toMatchObject({ goalReached: 2, conversions: 1 });
    expect(summary('j-2')).toMatchObject({ goalReached: 1, conversions: 1 });
  });

  it('bills each item of a read together as a read of its own, found or not', async () => {
    const { store, seen } = watched();
    await store.putProfile(profile('c-1'));
    await store.putPacing(pacing('c-1', 1));
    const since = billed(seen);
    const facts = await store.getCustomerFacts('c-1', { profile: true, pacing: true, eventId: 'e-1' });
    expect(since()).toEqual({ reads: readUnits(facts.profile) + readUnits(facts.pacing) + 1, writes: 0 });
  });
});
