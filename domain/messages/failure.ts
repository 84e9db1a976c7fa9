import type { Clock } from '../clock';
import type { CustomerStore, MessageRecord } from '../ports';
import { messageRecordBase, type MessageOrigin } from './record';
import { messageKey } from './send';

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
}

/** Error names are identifiers; anything else (which could carry text from outside) is not kept. */
const ERROR_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;

/**
 * A send step gave up after its retries: record it on the message, so the failure is visible per customer
 * and counted, and the journey goes on (a missed greeting must not end the relationship). Only the error's
 * name is kept. A record `in-doubt` stays so (the message may have gone out) and gains the error; a
 * record that is `sent`, `skipped` or already `failed` is left alone.
 */
export async function recordSendFailure(
  input: SendFailure,
  deps: { store: CustomerStore; clock: Clock },
): Promise<SendFailureResult> {
  const error = ERROR_NAME.test(input.error) ? input.error : 'UnknownError';
  const key = messageKey(input.executionId, input.stepId);
  const existing = await deps.store.getMessage(input.customerId, key);
  const done = { status: 'failed', error } as const;
  if (existing && !['sending', 'deferred', 'in-doubt'].includes(existing.status))
    return { ...done, recorded: false };
  // An erased customer's data must not come back through a failure record.
  if (!existing && !(await deps.store.getProfile(input.customerId))) return { ...done, recorded: false };
  const { reason: _reason, deferredUntil: _until, ...kept } = existing ?? ({} as Partial<MessageRecord>);
  const record: MessageRecord = {
    ...(existing
      ? (kept as MessageRecord)
      : messageRecordBase(input, {
          messageKey: key,
          channel: input.channel,
          createdAt: deps.clock.now().toISOString(),
        })),
    status: existing?.status === 'in-doubt' ? 'in-doubt' : 'failed',
    error,
  };
  await deps.store.updateMessage(record);
  return { ...done, recorded: true };
}
