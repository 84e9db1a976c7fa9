import { CLAIM_DUE } from '../../../domain/due';
import type { CustomerStore, DueWork } from '../../../domain/ports';
import { shardOf } from '../../../adapters/dynamodb/due-shard';
import { idsInOneShard } from '../../support/index-worlds';
import { AT, claim, pagesOf, profile, sorted } from '../records';

export function dueIndexContract(current: () => CustomerStore): void {
  describe('the due index', () => {
    it("lists a shard's claims first, then its customers due by now in time order, in pages", async () => {
      const store = current();
      const [a, b, c, d, e, f] = idsInOneShard(6, 'due-', 'due-0');
      await store.putProfile(profile(a!, { dueAt: '2026-05-03T00:00:00.000Z' }));
      await store.putProfile(profile(b!, { dueAt: '2026-05-01T00:00:00.000Z' }));
      await store.putProfile(profile(c!, { dueAt: '2026-07-01T00:00:00.000Z' }));
      await store.putProfile(profile(d!));
      await store.putProfile(profile(e!, { dueAt: AT }));
      await store.writeEvent(claim(f!, 'e-1', 'h-1'));
      await store.writeEvent(claim(f!, 'e-2', 'h-2', false));
      const pages = await pagesOf(store.listDueWork(AT, 2));
      expect(pages.every((page) => page.length > 0 && page.length <= 2)).toBe(true);
      expect(pages.flat()).toEqual<DueWork[]>([
        { kind: 'claim', customerId: f!, eventId: 'e-1' },
        { kind: 'customer', customerId: b!, dueAt: expect.any(String) },
        { kind: 'customer', customerId: a!, dueAt: expect.any(String) },
        { kind: 'customer', customerId: e!, dueAt: expect.any(String) },
      ]);
    });

    it('lists the due work of every shard; a customer moves in the index with its due time, and leaves it', async () => {
      const store = current();
      const ids = Array.from({ length: 40 }, (_, i) => `any-${i}`);
      for (const id of ids) await store.putProfile(profile(id, { dueAt: '2026-05-01T00:00:00.000Z' }));
      await store.putProfile(profile('any-0', { version: 2 }));
      await store.putProfile(profile('any-1', { version: 2, dueAt: '+010000-01-01T00:00:00.000Z' }));
      await store.putProfile(profile('any-2', { version: 2, dueAt: '2026-07-01T00:00:00.000Z' }));
      await store.putProfile(profile('any-3', { version: 2, dueAt: '2026-04-01T00:00:00.000Z' }));
      const work = (await pagesOf(store.listDueWork(AT, 7))).flat();
      expect(sorted(work.map((w) => w.customerId))).toEqual(sorted(ids.slice(3)));
      expect(await pagesOf(store.listDueWork(CLAIM_DUE, 7))).toEqual([]);
    });

    it('reads one shard from a place: only the customers after that place', async () => {
      const store = current();
      const [a, b, c, d] = idsInOneShard(4, 'from-', 'from-0');
      const shard = shardOf(a!, store.dueShards);
      for (const [id, day] of [
        [a, '01'],
        [b, '02'],
        [c, '03'],
      ] as const)
        await store.putProfile(profile(id!, { dueAt: `2026-05-${day}T00:00:00.000Z` }));
      await store.writeEvent(claim(d!, 'e-1', 'h-1'));
      const all = (await pagesOf(store.listDueShard(shard, AT, 2))).flat();
      expect(all.map((w) => w.customerId)).toEqual([d, a, b, c]);
      const place = { dueAt: '2026-05-01T00:00:00.000Z', customerId: a! };
      const after = (await pagesOf(store.listDueShard(shard, AT, 2, place))).flat();
      expect(after).toEqual<DueWork[]>([
        { kind: 'customer', customerId: b!, dueAt: '2026-05-02T00:00:00.000Z' },
        { kind: 'customer', customerId: c!, dueAt: '2026-05-03T00:00:00.000Z' },
      ]);
    });
  });
}

export function sweepLeaseContract(current: () => CustomerStore): void {
  describe("the sweep coordinator's lease", () => {
    const at = (minute: number) => new Date(Date.parse(AT) + minute * 60_000).toISOString();

    it('is held by one run until it is left or passes, and keeps the cursors left with it', async () => {
      const store = current();
      expect(await store.takeSweepLease('run-1', at(0), at(5))).toEqual({});
      expect(await store.takeSweepLease('run-2', at(1), at(6))).toBeUndefined();
      const cursors = { '3': { dueAt: AT, customerId: 'c-1', handedOutAt: at(1) } };
      expect(await store.leaveSweepLease('run-2', cursors)).toBe(false);
      expect(await store.leaveSweepLease('run-1', cursors)).toBe(true);
      expect(await store.takeSweepLease('run-2', at(2), at(7))).toEqual(cursors);
      // run-2 stops without leaving: its lease passes at minute 7, and run-3 takes over.
      expect(await store.takeSweepLease('run-3', at(6), at(11))).toBeUndefined();
      expect(await store.takeSweepLease('run-3', at(7), at(12))).toEqual(cursors);
      expect(await store.leaveSweepLease('run-2', {})).toBe(false);
    });
  });
}
