import type { CustomerStore } from '../../../domain/ports';
import { currentStore } from './current-store';
import {
  AT,
  BRANCH_EXPLAINED,
  claim,
  decision,
  done,
  message,
  pagesOf,
  profile,
  sorted,
  SPLIT_EXPLAINED,
} from '../records';

/** Event records and claims, messages and decisions. */
export function eventsAndMessagesContract(current: () => CustomerStore): void {
  const store = currentStore(current);

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
      expect(await store.claimMessage(message('c-1', 'm-1', { claimedAt: '2026-06-02T00:00:00.000Z' }))).toBe(
        true,
      );
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
}
