import type { Clock } from '../clock';
import { MessageThrottledError, ThrottledTooLongError } from '../errors';
import type { CustomerStore, MessageRecord } from '../ports';
import { throttledTooLong, throttleWaitSeconds } from './throttle';

/**
 * The provider refused before accepting anything: the claim becomes a deferral (nothing went out), so the
 * send's Retry runs it again, and once that is spent its Catch waits until `deferredUntil` through the
 * quiet-hours loop. Past the bound of throttle.ts the send gives up instead.
 */
export async function refused(
  record: MessageRecord,
  e: unknown,
  deps: { store: CustomerStore; clock: Clock },
): Promise<Error> {
  const now = deps.clock.now();
  const since = record.throttledSince ?? now.toISOString();
  const elapsed = (now.getTime() - Date.parse(since)) / 1000;
  const why = `the ${record.channel} provider refused the message for now: ${(e as Error).message}`;
  if (throttledTooLong(elapsed)) {
    await deps.store.releaseMessage(record.customerId, record.messageKey);
    return new ThrottledTooLongError(`${why}; refused for ${Math.round(elapsed)} s, giving up`, { cause: e });
  }
  const until = new Date(now.getTime() + throttleWaitSeconds(elapsed) * 1000).toISOString();
  // Over the claim only while it is there: an erasure may have deleted it (see erased.ts).
  await deps.store.settleClaim(
    {
      ...record,
      status: 'deferred',
      reason: 'provider-throttled',
      deferredUntil: until,
      throttledSince: since,
    },
    record.claimedAt,
  );
  return new MessageThrottledError(why, { cause: e });
}

/** Errors the provider answered with before accepting anything: safe to release the claim and retry. */
export function isDefiniteRefusal(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    ['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'ServiceUnavailable'].includes(
      err.name ?? '',
    ) || err.$metadata?.httpStatusCode === 429
  );
}
