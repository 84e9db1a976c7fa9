import { VersionConflictError } from '../../../domain/errors';
import type { CustomerStore } from '../../../domain/ports';
import { currentStore } from './current-store';
import { AT, claim, done, entry, message, pacing, profile } from '../records';

/** Profiles, and the facts read together with them. */
export function profilesContract(current: () => CustomerStore): void {
  const store = currentStore(current);

  describe('profiles', () => {
    it('creates at version 1 and replaces version n - 1 only', async () => {
      expect(await store.getProfile('c-1')).toBeUndefined();
      await expect(store.putProfile(profile('c-1', { version: 2 }))).rejects.toThrow(VersionConflictError);
      await store.putProfile(profile('c-1'));
      expect(await store.getProfile('c-1')).toEqual(profile('c-1'));
      await expect(store.putProfile(profile('c-1'))).rejects.toThrow(VersionConflictError);
      await expect(store.putProfile(profile('c-1', { version: 3 }))).rejects.toThrow(VersionConflictError);
      await store.putProfile(profile('c-1', { version: 2, stage: 'first-purchase' }));
      expect(await store.getProfile('c-1')).toEqual(profile('c-1', { version: 2, stage: 'first-purchase' }));
      await expect(store.putProfile(profile('c-1', { version: 2 }))).rejects.toThrow(VersionConflictError);
    });

    it('gives back what was written, field for field: no index attributes, no undefined fields', async () => {
      await store.putProfile(profile('c-1', { dueAt: '2026-06-02T00:00:00.000Z', email: undefined }));
      const got = await store.getProfile('c-1');
      expect(got).toStrictEqual(profile('c-1', { dueAt: '2026-06-02T00:00:00.000Z' }));
      expect(Object.keys(got!)).not.toContain('email');
    });

    it('gives back the times fields were given, attribute keys with a dot included', async () => {
      const givenAt = { email: '2026-06-02T03:00:00Z', 'attributes.birthday': '2026-06-01T00:00:00.000Z' };
      await store.putProfile(profile('c-1', { givenAt }));
      expect(await store.getProfile('c-1')).toStrictEqual(profile('c-1', { givenAt }));
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
      // The list alone, as ingest reads it again after remembering an address's user (recheckAddresses).
      expect(await store.getCustomerFacts('c-1', { suppressionKeys: ['s-1'] })).toStrictEqual({
        suppressions: [listed],
      });
    });
  });
}
