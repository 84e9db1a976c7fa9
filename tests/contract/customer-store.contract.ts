import { CLAIM_DUE } from '../../domain/due';
import { VersionConflictError } from '../../domain/errors';
import type { CustomerStore, DueWork } from '../../domain/ports';
import { shardOf } from '../../adapters/dynamodb/due-shard';
import { idsInOneShard } from '../support/index-worlds';
import { experimentContract } from './experiments.contract';
import {
  AT,
  awaiting,
  BRANCH_EXPLAINED,
  claim,
  decision,
  done,
  entry,
  message,
  pacing,
  pagesOf,
  profile,
  SPLIT_EXPLAINED,
} from './records';

export type ContractStore = CustomerStore & { cleanup?(): Promise<void> };

/**
 * The behaviour every CustomerStore must have, whatever keeps the data: the simulator runs whole
 * populations on the memory store and must see what the DynamoDB adapter (the reference) would do.
 */
export function customerStoreContract(name: string, makeStore: () => Promise<ContractStore>): void {
  describe(`the CustomerStore contract: ${name}`, () => {
    let store: ContractStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(() => store.cleanup?.());

    describe('profiles', () => {
      it('creates at version 1 and replaces version n - 1 only', async () => {
        expect(await store.getProfile('c-1')).toBeUndefined();
        await expect(store.putProfile(profile('c-1', { version: 2 }))).rejects.toThrow(VersionConflictError);
        await store.putProfile(profile('c-1'));
        expect(await store.getProfile('c-1')).toEqual(profile('c-1'));
        await expect(store.putProfile(profile('c-1'))).rejects.toThrow(VersionConflictError);
        await expect(store.putProfile(profile('c-1', { version: 3 }))).rejects.toThrow(VersionConflictError);
        await store.putProfile(profile('c-1', { version: 2, stage: 'first-purchase' }));
        expect(await store.getProfile('c-1')).toEqual(
          profile('c-1', { version: 2, stage: 'first-purchase' }),
        );
        await expect(store.putProfile(profile('c-1', { version: 2 }))).rejects.toThrow(VersionConflictError);
      });

      it('gives back what was written, field for field: no index attributes, no undefined fields', async () => {
        await store.putProfile(profile('c-1', { dueAt: '2026-06-02T00:00:00.000Z', email: undefined }));
        const got = await store.getProfile('c-1');
        expect(got).toStrictEqual(profile('c-1', { dueAt: '2026-06-02T00:00:00.000Z' }));
        expect(Object.keys(got!)).not.toContain('email');
      });

      it('keeps a due time as the index orders it (the fixed-width ISO instant)', async () => {
        await store.putProfile(profile('c-1', { dueAt: '2026-06-02T02:00:00+02:00' }));
        expect((await store.getProfile('c-1'))?.dueAt).toBe('2026-06-02T00:00:00.000Z');
        await store.putProfile(profile('c-1', { version: 2, dueAt: '+010000-01-01T00:00:00.000Z' }));
        expect((await store.getProfile('c-1'))?.dueAt).toBe('+010000-01-01T00:00:00.000Z');
      });
    });

    describe('facts read together', () => {
      it('gives each item asked for as its own getter does, and nothing else', async () => {
        const wantAll = {
          profile: true,
          pacing: true,
          eventId: 'e-1',
          messageKey: 'm-1',
          journeyEntry: { journeyId: 'j-1', executionName: 'x-1' },
          tombstoneKey: 't-1',
        };
        expect(await store.getCustomerFacts('c-1', wantAll)).toStrictEqual({});
        await store.putProfile(profile('c-1', { dueAt: '2026-06-02T00:00:00.000Z' }));
        await store.putPacing(pacing('c-1', 1));
        await store.writeEvent(claim('c-1', 'e-1', 'h-1'));
        await store.claimMessage(message('c-1', 'm-1'));
        await store.putJourneyEntries([entry('c-1', 'j-1', 'x-1')]);
        await store.putTombstone({ key: 't-1', erasedAt: AT });
        // Another customer's items, and this one's others, are not read.
        await store.putProfile(profile('c-2'));
        await store.writeEvent(done('c-1', 'e-2', 'h-2'));
        expect(await store.getCustomerFacts('c-1', wantAll)).toStrictEqual({
          profile: await store.getProfile('c-1'),
          pacing: await store.getPacing('c-1'),
          event: await store.getEvent('c-1', 'e-1'),
          message: await store.getMessage('c-1', 'm-1'),
          journeyEntry: entry('c-1', 'j-1', 'x-1'),
          tombstone: await store.getTombstone('t-1'),
        });
        expect(await store.getCustomerFacts('c-1', { eventId: 'e-2', tombstoneKey: 't-2' })).toStrictEqual({
          event: done('c-1', 'e-2', 'h-2'),
        });
        expect(await store.getCustomerFacts('c-2', { profile: true, eventId: 'e-1' })).toStrictEqual({
          profile: profile('c-2'),
        });
        expect(await store.getCustomerFacts('c-1', {})).toStrictEqual({});
      });

      it('gives the listed ones of the suppression keys asked for, none when none is', async () => {
        const listed = {
          key: 's-1',
          channel: 'email' as const,
          reason: 'bounce' as const,
          at: AT,
          source: 'ses',
        };
        const wanted = { profile: true, suppressionKeys: ['s-1', 's-2'] };
        expect(await store.getCustomerFacts('c-1', wanted)).toStrictEqual({});
        await store.putSuppression(listed);
        await store.putProfile(profile('c-1'));
        expect(await store.getCustomerFacts('c-1', wanted)).toStrictEqual({
          profile: profile('c-1'),
          suppressions: [listed],
        });
        expect(await store.getCustomerFacts('c-1', { suppressionKeys: ['s-2'] })).toStrictEqual({});
      });
    });

    describe('event records and claims', () => {
      it('claims an event once; only the holder replaces or releases its claim', async () => {
        expect(await store.getEvent('c-1', 'e-1')).toBeUndefined();
        expect(await store.writeEvent(claim('c-1', 'e-1', 'h-1'), 'h-1')).toBe(false);
        expect(await store.writeEvent(claim('c-1', 'e-1', 'h-1'))).toBe(true);
        expect(await store.writeEvent(claim('c-1', 'e-1', 'h-2'))).toBe(false);
        expect(await store.getEvent('c-1', 'e-1')).toStrictEqual(claim('c-1', 'e-1', 'h-1'));
        expect(await store.writeEvent(claim('c-1', 'e-1', 'h-2'), 'h-2')).toBe(false);
        expect(await store.writeEvent(claim('c-1', 'e-1', 'h-2'), 'h-1')).toBe(true);
        await store.releaseEvent('c-1', 'e-1', 'h-1');
        expect(await store.getEvent('c-1', 'e-1')).toStrictEqual(claim('c-1', 'e-1', 'h-2'));
        expect(await store.writeEvent(done('c-1', 'e-1', 'h-2'), 'h-2')).toBe(true);
        expect(await store.getEvent('c-1', 'e-1')).toStrictEqual(done('c-1', 'e-1', 'h-2'));
        // A done record is no claim: nobody holds it any more, so nobody replaces or releases it.
        expect(await store.writeEvent(claim('c-1', 'e-1', 'h-2'), 'h-2')).toBe(false);
        await store.releaseEvent('c-1', 'e-1', 'h-2');
        expect(await store.getEvent('c-1', 'e-1')).toStrictEqual(done('c-1', 'e-1', 'h-2'));
      });

      it('releases a claim for its holder only', async () => {
        await store.writeEvent(claim('c-1', 'e-1', 'h-1'));
        await store.releaseEvent('c-1', 'e-1', 'h-9');
        expect(await store.getEvent('c-1', 'e-1')).toBeDefined();
        await store.releaseEvent('c-1', 'e-1', 'h-1');
        expect(await store.getEvent('c-1', 'e-1')).toBeUndefined();
        await store.releaseEvent('c-1', 'e-1', 'h-1');
        expect(await store.writeEvent(claim('c-1', 'e-1', 'h-3'))).toBe(true);
      });

      it('lists the claims that keep their event, until done or released, in pages', async () => {
        await store.writeEvent(claim('c-1', 'e-1', 'h-1'));
        await store.writeEvent(claim('c-1', 'e-2', 'h-2'));
        await store.writeEvent(claim('c-2', 'e-1', 'h-3'));
        await store.writeEvent(claim('c-3', 'e-1', 'h-4', false));
        await store.writeEvent(claim('c-4', 'e-1', 'h-5'));
        await store.writeEvent(done('c-4', 'e-1', 'h-5'), 'h-5');
        await store.writeEvent(claim('c-5', 'e-1', 'h-6'));
        await store.releaseEvent('c-5', 'e-1', 'h-6');
        await store.putProfile(profile('c-6', { dueAt: '2026-01-01T00:00:00.000Z' }));
        const pages = await pagesOf(store.listClaims(1));
        expect(pages.every((page) => page.length === 1)).toBe(true);
        expect(sorted(pages.flat().map((c) => `${c.customerId}/${c.eventId}`))).toEqual([
          'c-1/e-1',
          'c-1/e-2',
          'c-2/e-1',
        ]);
      });
    });

    describe('messages', () => {
      it('claims a key once, or again over a deferred record', async () => {
        expect(await store.getMessage('c-1', 'm-1')).toBeUndefined();
        expect(await store.claimMessage(message('c-1', 'm-1'))).toBe(true);
        expect(await store.claimMessage(message('c-1', 'm-1', { template: 'other' }))).toBe(false);
        expect(await store.getMessage('c-1', 'm-1')).toStrictEqual(message('c-1', 'm-1'));
        await store.updateMessage(
          message('c-1', 'm-1', { status: 'deferred', reason: 'quiet-hours-deferred' }),
        );
        expect(
          await store.claimMessage(message('c-1', 'm-1', { claimedAt: '2026-06-02T00:00:00.000Z' })),
        ).toBe(true);
        await store.updateMessage(message('c-1', 'm-1', { status: 'sent', sentAt: AT }));
        expect(await store.claimMessage(message('c-1', 'm-1'))).toBe(false);
        expect(await store.getMessage('c-1', 'm-1')).toStrictEqual(
          message('c-1', 'm-1', { status: 'sent', sentAt: AT }),
        );
      });

      it('settles only the sending claim made at the time given', async () => {
        const later = '2026-06-01T00:01:00.000Z';
        await store.claimMessage(message('c-1', 'm-1'));
        expect(await store.settleClaim(message('c-1', 'm-1', { status: 'sent' }), later)).toBe(false);
        expect(await store.settleClaim(message('c-1', 'm-1', { status: 'sent' }), undefined)).toBe(false);
        expect(await store.settleClaim(message('c-1', 'm-1', { status: 'sent' }), AT)).toBe(true);
        expect(await store.settleClaim(message('c-1', 'm-1', { status: 'failed' }), AT)).toBe(false);
        expect((await store.getMessage('c-1', 'm-1'))?.status).toBe('sent');
        await store.claimMessage(message('c-1', 'm-2', { claimedAt: undefined }));
        expect(await store.settleClaim(message('c-1', 'm-2', { status: 'in-doubt' }), AT)).toBe(false);
        expect(await store.settleClaim(message('c-1', 'm-2', { status: 'in-doubt' }), undefined)).toBe(true);
        expect(await store.settleClaim(message('c-9', 'm-1', { status: 'sent' }), AT)).toBe(false);
        expect(await store.getMessage('c-9', 'm-1')).toBeUndefined();
      });

      it('releases a sending claim only', async () => {
        await store.claimMessage(message('c-1', 'm-1'));
        await store.claimMessage(message('c-1', 'm-2', { status: 'sent' }));
        await store.releaseMessage('c-1', 'm-1');
        await store.releaseMessage('c-1', 'm-2');
        await store.releaseMessage('c-1', 'm-3');
        expect(await store.getMessage('c-1', 'm-1')).toBeUndefined();
        expect((await store.getMessage('c-1', 'm-2'))?.status).toBe('sent');
      });
    });

    it('keeps the first decision for a key and gives it back to every later one', async () => {
      expect(await store.recordDecision(decision('c-1', 'd-1', 'a'))).toStrictEqual(
        decision('c-1', 'd-1', 'a'),
      );
      expect(await store.recordDecision(decision('c-1', 'd-1', 'b'))).toStrictEqual(
        decision('c-1', 'd-1', 'a'),
      );
      expect(await store.recordDecision(decision('c-2', 'd-1', 'b'))).toStrictEqual(
        decision('c-2', 'd-1', 'b'),
      );
    });

    it('keeps how a decision was made, every kind of value as written, and gives it back on a retry', async () => {
      const branch = {
        ...decision('c-1', 'd-b', 'no'),
        kind: 'branch' as const,
        explanation: BRANCH_EXPLAINED,
      };
      const split = { ...decision('c-1', 'd-s', 'tip'), explanation: SPLIT_EXPLAINED };
      for (const first of [branch, split]) {
        expect(await store.recordDecision(first)).toStrictEqual(first);
        // The retry's own explanation is dropped with its path: the stored one comes back as written.
        expect(await store.recordDecision({ ...first, path: 'other', explanation: undefined })).toStrictEqual(
          first,
        );
      }
    });

    describe('journey entries', () => {
      beforeEach(async () => {
        await store.putJourneyEntries([entry('c-1', 'welcome', 'x-3', '2026-06-03T00:00:00.000Z')]);
        await store.putJourneyEntries([entry('c-1', 'welcome', 'x-2', '2026-06-01T00:00:00.000Z')]);
        await store.putJourneyEntries([entry('c-1', 'welcome', 'x-1', '2026-06-01T00:00:00.000Z')]);
        await store.putJourneyEntries([entry('c-1', 'welcome-back', 'x-0', '2026-05-01T00:00:00.000Z')]);
        await store.putJourneyEntries([entry('c-1', 'review', 'x-9', '2026-05-01T00:00:00.000Z')]);
        await store.putJourneyEntries([entry('c-2', 'welcome', 'x-5', '2026-05-01T00:00:00.000Z')]);
      });

      it("lists one journey's entries of one customer by entry time, then by execution name", async () => {
        const entries = await store.listJourneyEntries('c-1', 'welcome');
        expect(entries.map((e) => e.executionName)).toEqual(['x-1', 'x-2', 'x-3']);
        expect(entries[0]).toStrictEqual(entry('c-1', 'welcome', 'x-1', '2026-06-01T00:00:00.000Z'));
        expect(await store.listJourneyEntries('c-3', 'welcome')).toEqual([]);
      });

      it('lists every entry of a customer, by journey then execution name', async () => {
        const entries = await store.listAllJourneyEntries('c-1');
        expect(entries.map((e) => `${e.journeyId}/${e.executionName}`)).toEqual([
          'review/x-9',
          'welcome/x-1',
          'welcome/x-2',
          'welcome/x-3',
          'welcome-back/x-0',
        ]);
        expect(await store.listAllJourneyEntries('c-3')).toEqual([]);
      });

      it('replaces an entry written again under its execution name (a conversion)', async () => {
        const converted = {
          ...entry('c-1', 'welcome', 'x-3', '2026-06-03T00:00:00.000Z'),
          converted: { eventId: 'e-7', at: AT },
        };
        await store.putJourneyEntries([converted]);
        const entries = await store.listJourneyEntries('c-1', 'welcome');
        expect(entries).toHaveLength(3);
        expect(entries[2]).toStrictEqual(converted);
      });

      it("records an execution's end once, on an entry that exists only, keeping what else it holds", async () => {
        const ended = { at: AT, status: 'SUCCEEDED' as const };
        const converted = {
          ...entry('c-7', 'welcome', 'x-1', AT),
          converted: { eventId: 'e-7', at: AT },
        };
        await store.putJourneyEntries([converted]);
        expect(await store.recordJourneyEnd(converted, ended)).toBe(true);
        expect(await store.recordJourneyEnd(converted, { ...ended, status: 'ABORTED' })).toBe(false);
        expect(await store.listAllJourneyEntries('c-7')).toStrictEqual([{ ...converted, ended }]);
        // An erased customer's entry (or one never written) is not created by its end.
        expect(await store.recordJourneyEnd(entry('c-8', 'welcome', 'x-1', AT), ended)).toBe(false);
        expect(await store.listAllJourneyEntries('c-8')).toStrictEqual([]);
      });

      it('writes many entries at once, each as written alone, more than one request holds', async () => {
        const converted = { ...entry('c-1', 'welcome', 'x-1', AT), converted: { eventId: 'e-7', at: AT } };
        const many = Array.from({ length: 30 }, (_, i) => entry('c-4', 'welcome', `y-${100 + i}`));
        await store.putJourneyEntries([]);
        await store.putJourneyEntries([converted, ...many]);
        expect(await store.listJourneyEntries('c-4', 'welcome')).toStrictEqual(many);
        expect((await store.listJourneyEntries('c-1', 'welcome'))[0]).toStrictEqual(converted);
        await store.putJourneyEntries([entry('c-5', 'review', 'z-1')]);
        expect(await store.listAllJourneyEntries('c-5')).toStrictEqual([entry('c-5', 'review', 'z-1')]);
        // One key given twice: the last one wins, as with puts one after the other.
        const later = entry('c-6', 'review', 'z-1', '2026-06-02T00:00:00.000Z');
        await store.putJourneyEntries([entry('c-6', 'review', 'z-1'), entry('c-6', 'review', 'z-2'), later]);
        expect(await store.listAllJourneyEntries('c-6')).toStrictEqual([
          later,
          entry('c-6', 'review', 'z-2'),
        ]);
      });
    });

    it('lists the awaits of one event type, by key, and deletes one', async () => {
      await store.putAwait(awaiting('c-1', 'review', 't-2'));
      await store.putAwait(awaiting('c-1', 'review', 't-1'));
      await store.putAwait(awaiting('c-1', 'reviewed', 't-3'));
      await store.putAwait(awaiting('c-2', 'review', 't-4'));
      expect(await store.listAwaits('c-1', 'review')).toStrictEqual([
        awaiting('c-1', 'review', 't-1'),
        awaiting('c-1', 'review', 't-2'),
      ]);
      await store.deleteAwait('c-1', 'review#t-1');
      await store.deleteAwait('c-1', 'review#t-9');
      expect((await store.listAwaits('c-1', 'review')).map((a) => a.awaitKey)).toEqual(['review#t-2']);
      expect(await store.listAwaits('c-3', 'review')).toEqual([]);
    });

    it('writes pacing at version n over n - 1 only', async () => {
      expect(await store.getPacing('c-1')).toBeUndefined();
      await expect(store.putPacing(pacing('c-1', 2))).rejects.toThrow(VersionConflictError);
      await store.putPacing(pacing('c-1', 1));
      await expect(store.putPacing(pacing('c-1', 1))).rejects.toThrow(VersionConflictError);
      await store.putPacing(pacing('c-1', 2));
      expect(await store.getPacing('c-1')).toStrictEqual(pacing('c-1', 2));
    });

    it('keeps suppressions and tombstones by key, the last write winning', async () => {
      const suppression = {
        key: 's-1',
        channel: 'email' as const,
        reason: 'bounce' as const,
        at: AT,
        source: 'ses',
      };
      expect(await store.getSuppression('s-1')).toBeUndefined();
      await store.putSuppression({ ...suppression, source: 'first' });
      await store.putSuppression(suppression);
      expect(await store.getSuppression('s-1')).toStrictEqual(suppression);
      expect(await store.getTombstone('t-1')).toBeUndefined();
      await store.putTombstone({ key: 't-1', erasedAt: AT });
      expect(await store.getTombstone('t-1')).toStrictEqual({ key: 't-1', erasedAt: AT });
    });

    it('remembers who was messaged at an address, once each, in customer order', async () => {
      await store.rememberAddress('a-1', 'c-2');
      await store.rememberAddress('a-1', 'c-1');
      await store.rememberAddress('a-1', 'c-2');
      await store.rememberAddress('a-2', 'c-3');
      expect(await store.listAddressUsers('a-1')).toEqual(['c-1', 'c-2']);
      await store.forgetAddress('a-1', 'c-2');
      await store.forgetAddress('a-1', 'c-9');
      expect(await store.listAddressUsers('a-1')).toEqual(['c-1']);
      expect(await store.listAddressUsers('a-3')).toEqual([]);
    });

    it('remembers address uses written with journey entries, with none or several', async () => {
      await store.putJourneyEntries([], [{ key: 'a-1', customerId: 'c-2' }]);
      await store.putJourneyEntries(
        [entry('c-1', 'welcome', 'x-1')],
        [
          { key: 'a-1', customerId: 'c-1' },
          { key: 'a-2', customerId: 'c-1' },
        ],
      );
      expect(await store.listAddressUsers('a-1')).toEqual(['c-1', 'c-2']);
      expect(await store.listAddressUsers('a-2')).toEqual(['c-1']);
      expect(await store.listJourneyEntries('c-1', 'welcome')).toEqual([entry('c-1', 'welcome', 'x-1')]);
    });

    dueIndexContract(() => store);
    sweepLeaseContract(() => store);
    describe('experiments', () => experimentContract(() => store));
    erasureContract(() => store);
    copiesContract(() => store);
  });
}

function dueIndexContract(current: () => CustomerStore): void {
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

function sweepLeaseContract(current: () => CustomerStore): void {
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

function erasureContract(current: () => CustomerStore): void {
  it("deletes every item of the customer's own and counts them, leaving address-level records", async () => {
    const store = current();
    for (const id of ['c-1', 'c-2']) {
      await store.putProfile(profile(id, { dueAt: '2026-05-01T00:00:00.000Z' }));
      await store.writeEvent(claim(id, 'e-1', 'h-1'));
      await store.writeEvent(done(id, 'e-2', 'h-2'));
      await store.claimMessage(message(id, 'm-1'));
      await store.recordDecision(decision(id, 'd-1', 'a'));
      await store.putJourneyEntries([entry(id, 'welcome', 'x-1')]);
      await store.putJourneyEntries([entry(id, 'review', 'x-2')]);
      await store.putAwait(awaiting(id, 'review', 't-1'));
      await store.putPacing(pacing(id, 1));
      await store.rememberAddress('a-1', id);
    }
    await store.putSuppression({ key: 's-1', channel: 'email', reason: 'bounce', at: AT, source: 'ses' });
    await store.putTombstone({ key: 't-1', erasedAt: AT });

    expect(await store.deleteCustomer('c-1')).toBe(9);
    expect(await store.deleteCustomer('c-1')).toBe(0);
    expect(await store.getProfile('c-1')).toBeUndefined();
    expect(await store.getEvent('c-1', 'e-1')).toBeUndefined();
    expect(await store.getMessage('c-1', 'm-1')).toBeUndefined();
    expect(await store.getPacing('c-1')).toBeUndefined();
    expect(await store.listAllJourneyEntries('c-1')).toEqual([]);
    expect(await store.listAwaits('c-1', 'review')).toEqual([]);
    expect(await store.recordDecision(decision('c-1', 'd-1', 'b'))).toStrictEqual(
      decision('c-1', 'd-1', 'b'),
    );
    const due = (await pagesOf(store.listDueWork(AT, 10))).flat();
    expect(sorted(due.map((w) => `${w.kind}/${w.customerId}`))).toEqual(['claim/c-2', 'customer/c-2']);
    expect((await pagesOf(store.listClaims(10))).flat()).toEqual([{ customerId: 'c-2', eventId: 'e-1' }]);
    expect(await store.listAddressUsers('a-1')).toEqual(['c-1', 'c-2']);
    expect(await store.getSuppression('s-1')).toBeDefined();
    expect(await store.getTombstone('t-1')).toBeDefined();
    expect(await store.listAllJourneyEntries('c-2')).toHaveLength(2);
    expect(await store.getPacing('c-2')).toBeDefined();
  });
}

function copiesContract(current: () => CustomerStore): void {
  it('hands out copies: changing what was written or read changes nothing stored', async () => {
    const store = current();
    const written = {
      profile: profile('c-1'),
      event: done('c-1', 'e-1', 'h-1'),
      message: message('c-1', 'm-1'),
    };
    const records = { entry: entry('c-1', 'welcome', 'x-1'), await: awaiting('c-1', 'review', 't-1') };
    await store.putProfile(written.profile);
    await store.writeEvent(written.event);
    await store.claimMessage(written.message);
    await store.putJourneyEntries([records.entry]);
    await store.putAwait(records.await);
    await store.putPacing(pacing('c-1', 1));
    written.profile.stageHistory.push(written.profile.stageHistory[0]!);
    written.event.executions.length = 0;
    written.message.status = 'sent';
    records.entry.trigger.eventId = 'changed';
    records.await.taskToken = 'changed';

    (await store.getProfile('c-1'))!.tierHistory.push(profile('c-1').stageHistory[0]!);
    ((await store.getEvent('c-1', 'e-1')) as ReturnType<typeof done>).stageChanges.length = 0;
    (await store.getMessage('c-1', 'm-1'))!.template = 'changed';
    (await store.listJourneyEntries('c-1', 'welcome'))[0]!.executionArn = 'changed';
    (await store.listAllJourneyEntries('c-1'))[0]!.enteredAt = 'changed';
    (await store.listAwaits('c-1', 'review'))[0]!.since = 'changed';
    (await store.getPacing('c-1'))!.sends.length = 0;
    (await store.recordDecision(decision('c-1', 'd-1', 'a'))).path = 'changed';

    expect(await store.getProfile('c-1')).toStrictEqual(profile('c-1'));
    expect(await store.getEvent('c-1', 'e-1')).toStrictEqual(done('c-1', 'e-1', 'h-1'));
    expect(await store.getMessage('c-1', 'm-1')).toStrictEqual(message('c-1', 'm-1'));
    expect(await store.listAllJourneyEntries('c-1')).toStrictEqual([entry('c-1', 'welcome', 'x-1')]);
    expect(await store.listAwaits('c-1', 'review')).toStrictEqual([awaiting('c-1', 'review', 't-1')]);
    expect(await store.getPacing('c-1')).toStrictEqual(pacing('c-1', 1));
    expect(await store.recordDecision(decision('c-1', 'd-1', 'b'))).toStrictEqual(
      decision('c-1', 'd-1', 'a'),
    );
  });
}

const sorted = (values: string[]) => [...values].sort();
