import { VersionConflictError } from '../../../domain/errors';
import type { CustomerStore } from '../../../domain/ports';
import { currentStore } from './current-store';
import { AT, awaiting, entry, pacing } from '../records';

/** Journey entries, awaits, pacing, suppressions and tombstones, and who was messaged at an address. */
export function journeysContract(current: () => CustomerStore): void {
  const store = currentStore(current);

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
      expect(await store.listAllJourneyEntries('c-6')).toStrictEqual([later, entry('c-6', 'review', 'z-2')]);
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
}
