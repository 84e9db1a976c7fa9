import { VersionConflictError } from './errors';

/**
 * How often each optimistic read-decide-write loop re-reads after losing a race. One table, so the limits
 * are chosen side by side: every lost race means another writer made progress, so a bound only stops a
 * pathological burst on one customer (after which Step Functions or the event source retries the call).
 */
export const CONFLICT_ATTEMPTS = {
  ingest: 25,
  sweep: 8,
  profile: 10,
  pacing: 20,
} as const;

/**
 * Runs `attempt` until it completes without a `VersionConflictError`, at most `attempts` times; any other
 * error ends the loop at once. `attempt` must re-read what it decides on: it is called afresh each time
 * (only attempt 0 may decide from what the caller read before: its conditional write catches a change).
 * When every attempt lost the race, `exhausted()` names the error to throw (so callers keep their own
 * error class, which is what ASL `Retry` matches on).
 */
export async function retryOnConflict<T>(
  attempts: number,
  attempt: (n: number) => Promise<T>,
  // By default the last conflict itself: the caller's Retry matches VersionConflictError.
  exhausted: (last: VersionConflictError) => Error = (last) => last,
): Promise<T> {
  let last: VersionConflictError | undefined;
  for (let n = 0; n < attempts; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!(e instanceof VersionConflictError)) throw e;
      last = e;
    }
  }
  throw exhausted(last ?? new VersionConflictError('no attempt was made'));
}
