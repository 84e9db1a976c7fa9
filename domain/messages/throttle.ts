/**
 * How long a send the provider keeps refusing (throttling) is held back, and for how long at most.
 *
 * First the send Task's own Retry backs off (compile/retry.ts THROTTLE_RETRY: a few minutes, jittered);
 * when that is spent the send is deferred through the same loop as quiet hours (the message record says
 * until when; a Wait; the same send again), each round waiting longer, up to an hour.
 *
 * The bound is a day from the first refusal: SES's sending quota is counted over a rolling 24 hours,
 * so a refusal that outlasts it is not a burst being smoothed but an account out of quota, which a
 * person must raise; the send then gives up (ThrottledTooLongError) and the failure is recorded. A day
 * also keeps the history events of the loop well inside an execution's budget (see limits.ts).
 */
export const MAX_THROTTLED_SECONDS = 86_400;
const MIN_ROUND_SECONDS = 300;
const MAX_ROUND_SECONDS = 3_600;

/** The deferral after a refusal `elapsedSeconds` after the first one: as long as it has lasted, 5–60 minutes. */
export function throttleWaitSeconds(elapsedSeconds: number): number {
  return Math.min(MAX_ROUND_SECONDS, Math.max(MIN_ROUND_SECONDS, Math.ceil(elapsedSeconds)));
}

/** True once refusals have lasted past the bound: the send gives up rather than wait again. */
export function throttledTooLong(elapsedSeconds: number): boolean {
  return elapsedSeconds >= MAX_THROTTLED_SECONDS;
}

/**
 * The most deferral rounds one send can go through before giving up: counted as if every Retry took no
 * time at all (the worst case for the count), for the history-event estimate of limits.ts.
 */
export function maxThrottledRounds(): number {
  let elapsed = 0;
  let rounds = 0;
  while (!throttledTooLong(elapsed)) {
    elapsed += throttleWaitSeconds(elapsed);
    rounds++;
  }
  return rounds;
}
