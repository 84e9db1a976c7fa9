import type { Clock } from '../clock';
import type { CustomerStore, MessageRecord } from '../ports';
import { messageKey } from './record';

/** What the compiled `<send>-deferred` state passes: which execution's send was deferred. */
export interface DeferredSend {
  customerId: string;
  stepId: string;
  executionId: string;
}

/** The end of a deferral, in the shape the send's Wait reads (`until`), as a send returned it before. */
export interface DeferralResult {
  status: 'deferred';
  until: string;
  reason?: MessageRecord['reason'];
}

/**
 * Until when a send that threw SendDeferredError waits: the time its message record holds, written by
 * the send in the same decision that deferred it (quiet hours, a marketing pause, the provider's refusal
 * once the send's Retry is spent: see throttle.ts), so the wait is exactly
 * the one decided; nothing is computed again. A record that is missing or no longer deferred ends the
 * wait at once: the send then runs again and settles what it finds, and never sends twice (send.ts).
 */
export async function deferralOf(
  input: DeferredSend,
  deps: { store: CustomerStore; clock: Clock },
): Promise<DeferralResult> {
  const record = await deps.store.getMessage(input.customerId, messageKey(input.executionId, input.stepId));
  if (record?.status === 'deferred' && record.deferredUntil)
    return {
      status: 'deferred',
      until: record.deferredUntil,
      ...(record.reason ? { reason: record.reason } : {}),
    };
  return { status: 'deferred', until: deps.clock.now().toISOString() };
}
