import type { Clock } from '../clock';
import type { CustomerStore, MessageRecord } from '../ports';
import { markInterrupted } from './interrupted';
import { messageKey, messageRecordBase, type MessageOrigin } from './record';

/** What the compiled `<send>-failed` state passes: the send's own parameters, and the error's name. */
export interface SendFailure extends MessageOrigin {
  channel: MessageRecord['channel'];
  /** The `Error` of the Catch: an error name such as `MessageThrottledError` or `States.Timeout`. */
  error: string;
}

export interface SendFailureResult {
  status: 'failed';
  error: string;
  /** False when there was nothing to record: already recorded (a retry), or the customer is gone. */
  recorded: boolean;
  /** The message is in-doubt: it may have gone out (see MessageRecord `inDoubtReason`); counted apart. */
  inDoubt?: true;
}

/** Error names are identifiers; anything else (which could carry text from outside) is not kept. */
const ERROR_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;

/**
 * A send step gave up after its retries: record it on the message, so the failure is visible per customer
 * and counted, and the journey goes on (a missed greeting must not end the relationship). Only the error's
 * name is kept. A record `in-doubt` stays so (the message may have gone out) and gains the error; a
 * record still `sending` becomes `in-doubt` (interrupted): the last attempt claimed it and ended before
 * the provider's answer was recorded (a Lambda timeout, an error after the claim), so it may have gone
 * out. A record that is `sent`, `skipped` or already `failed` is left alone.
 */
export async function recordSendFailure(
  input: SendFailure,
  deps: { store: CustomerStore; clock: Clock },
): Promise<SendFailureResult> {
  const error = ERROR_NAME.test(input.error) ? input.error : 'UnknownError';
  const key = messageKey(input.executionId, input.stepId);
  const done = { status: 'failed', error } as const;
  let existing = await deps.store.getMessage(input.customerId, key);
  if (existing?.status === 'sending') {
    if (await markInterrupted(existing, deps.store, { error }))
      return { ...done, recorded: true, inDoubt: true };
    // Settled meanwhile (a racing send marked it): record on what is there now.
    existing = await deps.store.getMessage(input.customerId, key);
  }
  const inDoubt = existing?.status === 'in-doubt';
  const result = (recorded: boolean) => ({
    ...done,
    recorded,
    ...(inDoubt ? { inDoubt: true as const } : {}),
  });
  // Sent, skipped or already failed; or in-doubt with this very error (a retry of this task): not again.
  if (existing && !['deferred', 'in-doubt'].includes(existing.status)) return result(false);
  if (inDoubt && existing?.error === error) return result(false);
  // An erased customer's data must not come back through a failure record.
  if (!existing && !(await deps.store.getProfile(input.customerId))) return result(false);
  const { reason: _reason, deferredUntil: _until, ...kept } = existing ?? ({} as Partial<MessageRecord>);
  const record: MessageRecord = {
    ...(existing
      ? (kept as MessageRecord)
      : messageRecordBase(input, {
          messageKey: key,
          channel: input.channel,
          createdAt: deps.clock.now().toISOString(),
        })),
    status: inDoubt ? 'in-doubt' : 'failed',
    error,
  };
  await deps.store.updateMessage(record);
  return result(true);
}
