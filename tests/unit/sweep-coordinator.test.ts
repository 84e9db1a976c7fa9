import { memoryStore } from '../../adapters/memory/stores';
import type { CustomerStore, WorkQueue } from '../../domain/ports';
import { coordinateSweep, CURSOR_TRUST_MS, type SweepWork } from '../../domain/sweep';
import { lifecycleDeps } from '../support/lifecycle';
import { AT, profile } from '../contract/records';

/**
 * The coordinator alone, its queue a list of what it sent (no workers: the customers it hands out stay
 * due, as they do while the workers are behind).
 */
const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.parse(AT) + ms).toISOString();

async function world(customers: number, options: { dueShards?: number } = {}) {
  const store = memoryStore(options);
  for (let i = 0; i < customers; i++)
    await store.putProfile(profile(`c-${i}`, { dueAt: at(-HOUR + i * 1000) }));
  const sent: SweepWork[] = [];
  const queue: WorkQueue<SweepWork> = { send: async (messages) => void sent.push(...messages) };
  const deps = { ...lifecycleDeps(AT), store, queue, remainingMs: () => Infinity };
  const handedOut = () => sent.flatMap((m) => m.customerIds);
  return { store, sent, queue, deps, handedOut, clock: deps.clock };
}

describe('the sweep coordinator', () => {
  it('hands every due customer out once, in messages of at most 100, reading the shards a few at a time', async () => {
    const w = await world(250);
    await w.store.putProfile(profile('later', { dueAt: at(HOUR) }));
    let reading = 0;
    let most = 0;
    const shards: number[] = [];
    const store: CustomerStore = {
      ...w.store,
      async *listDueShard(shard, now, pageSize, after) {
        shards.push(shard);
        most = Math.max(most, ++reading);
        try {
          // A query's round trip: the other shards' reads start meanwhile.
          await new Promise((resolve) => setImmediate(resolve));
          yield* w.store.listDueShard(shard, now, pageSize, after);
        } finally {
          reading--;
        }
      },
    };

    const result = await coordinateSweep({ ...w.deps, store }, { shardConcurrency: 4 });

    expect(result).toMatchObject({ ran: true, queued: 250, messages: 3, shardsDone: 64, shardsLeft: 0 });
    expect(w.sent.map((m) => m.customerIds.length)).toEqual([100, 100, 50]);
    expect([...w.handedOut()].sort()).toEqual(Array.from({ length: 250 }, (_, i) => `c-${i}`).sort());
    expect([...shards].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(most).toBe(4);
  });

  it('stops when its time is up, keeping where each shard was; the next run hands out the rest', async () => {
    const w = await world(300, { dueShards: 4 });
    let asked = 0;
    // Asked when the run starts (its lease), before its first shard and after each page: time for two
    // pages of ten, then none. The shards not begun are left too.
    const first = await coordinateSweep(
      { ...w.deps, remainingMs: () => (asked++ < 3 ? 1 : 0) },
      { pageSize: 10, shardConcurrency: 1, idsPerMessage: 10 },
    );
    expect(first).toMatchObject({ queued: 20, messages: 2, shardsDone: 0, shardsLeft: 4 });

    w.clock.advance(HOUR);
    const second = await coordinateSweep(w.deps, { pageSize: 20 });

    expect(second).toMatchObject({ queued: 280, shardsDone: 4, shardsLeft: 0 });
    const all = w.handedOut();
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
  });

  it('never runs twice at once: a run that finds the lease held does nothing; once it passes, the next runs', async () => {
    const w = await world(5);
    expect(await w.store.takeSweepLease('a-run-still-going', AT, at(5 * 60_000))).toEqual({});

    expect(await coordinateSweep(w.deps)).toMatchObject({ ran: false, queued: 0 });
    expect(w.sent).toEqual([]);

    w.clock.advance(5 * 60_000);
    expect(await coordinateSweep(w.deps)).toMatchObject({ ran: true, queued: 5 });
    const [a, b] = await Promise.all([coordinateSweep(w.deps), coordinateSweep(w.deps)]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
  });

  it('does not hand out again what it handed out while its cursor is believed; after that, what is still due', async () => {
    const w = await world(30);

    await coordinateSweep(w.deps);
    w.clock.advance(HOUR);
    await w.store.putProfile(profile('new', { dueAt: w.clock.now().toISOString() }));
    await coordinateSweep(w.deps);
    expect(w.handedOut()).toHaveLength(31);
    expect(w.handedOut()).toContain('new');

    // The workers never took them (a message lost to the dead-letter queue): past the trust, again.
    w.clock.advance(CURSOR_TRUST_MS);
    await coordinateSweep(w.deps);
    expect(w.handedOut()).toHaveLength(62);
  });

  it('moves no cursor past a message the queue did not take: the next run hands the same customers out', async () => {
    const w = await world(3);
    const failing: WorkQueue<SweepWork> = {
      send: async () => {
        throw new Error('queue unavailable');
      },
    };
    await expect(coordinateSweep({ ...w.deps, queue: failing })).rejects.toThrow('queue unavailable');
    expect(await coordinateSweep(w.deps)).toMatchObject({ ran: true, queued: 3 });
  });
});
