import { memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { deferralOf } from '../../domain/messages/deferral';
import { messageKey } from '../../domain/messages/send';
import type { MessageRecord } from '../../domain/ports';

/**
 * The `<send>-deferred` task: the Wait after it lasts exactly what the send decided, as the message record
 * says; anything else ends the wait at once, and the send that runs again settles it (it never sends twice).
 */
const clock = fixedClock('2026-11-22T14:30:00Z');
const deferred = {
  customerId: 'c-42',
  stepId: 'thank-you',
  executionId: 'arn:aws:states:local:0:execution:j:x',
};
const record = (patch: Partial<MessageRecord>): MessageRecord => ({
  customerId: 'c-42',
  messageKey: messageKey(deferred.executionId, deferred.stepId),
  journeyId: 'first-small-purchase',
  journeyVersion: 3,
  stepId: deferred.stepId,
  executionId: deferred.executionId,
  channel: 'email',
  template: 'first-purchase-thanks',
  category: 'marketing',
  status: 'deferred',
  createdAt: clock.now().toISOString(),
  ...patch,
});
const storeWith = async (held?: MessageRecord) => {
  const store = memoryStore();
  if (held) await store.claimMessage(held);
  return store;
};

describe('until when a deferred send waits', () => {
  it.each([
    ['quiet hours', 'quiet-hours-deferred', '2026-11-23T01:00:00.000Z'],
    ['a marketing pause', 'marketing-paused', '2026-12-22T14:30:00.000Z'],
  ] as const)('%s: the time its message record holds', async (_what, reason, until) => {
    const store = await storeWith(record({ reason, deferredUntil: until }));
    expect(await deferralOf(deferred, { store, clock })).toEqual({ status: 'deferred', until, reason });
  });

  it.each([
    ['no record (erased meanwhile)', undefined],
    ['a record no longer deferred', record({ status: 'sent', sentAt: clock.now().toISOString() })],
  ])('%s: now, so the send runs again at once', async (_what, held) => {
    const store = await storeWith(held);
    expect(await deferralOf(deferred, { store, clock })).toEqual({
      status: 'deferred',
      until: clock.now().toISOString(),
    });
  });
});
