import { LATEST_DUE } from './due';
import { errorName } from './errors';
import { finishAbandonedEvent } from './ingest';
import type { LifecycleDeps, StaleClaim } from './ports';

export interface RecoveryResult {
  /** Events whose delivery died after claiming them, finished now: applied if need be, journeys started. */
  recovered: StaleClaim[];
  /** Stale claims whose recovery failed: the claim is kept, with its event, and the next pass tries again. */
  failed: (StaleClaim & { error: string })[];
}

export interface RecoveryOptions {
  /**
   * Every claim, in its lease or not: only when no delivery can be alive, as at local start-up (the
   * runtime holds its data folder's lock, so every claim there was left by a process that is gone, even
   * one killed a second ago). A delivery begun since start-up and taken over is still safe: the profile
   * write is conditional, journey names are deterministic, and the slower one's `done` write is refused.
   */
  everyClaim?: boolean;
}

const BATCH = 100;

/**
 * Finishes the events whose delivery claimed them and then stopped dead (a Lambda timeout, a killed
 * process) when the source will never deliver them again: an HTTP client that got no answer and gave up,
 * or a local crash. Each is finished exactly as a takeover by a redelivery would: the claim is taken over
 * with a conditional write (so a redelivery racing this pass, or an overlapping pass, is a duplicate),
 * the event is applied unless the profile's recent event ids say it already was, its changes announced,
 * its journeys started under their deterministic names, and the record marked done. Only claims whose
 * lease has passed are read, from the due index; one that cannot be finished is that event's alone.
 */
export async function recoverStaleClaims(
  deps: LifecycleDeps,
  options: RecoveryOptions = {},
): Promise<RecoveryResult> {
  const result: RecoveryResult = { recovered: [], failed: [] };
  const lease = options.everyClaim ? 'ignored' : 'honoured';
  const until = options.everyClaim ? new Date(LATEST_DUE) : deps.clock.now();
  for await (const page of deps.store.listStaleClaims(until.toISOString(), BATCH))
    for (const stale of page) {
      try {
        if (await recoverOne(stale, deps, lease)) result.recovered.push(stale);
      } catch (e) {
        result.failed.push({ ...stale, error: errorName(e) });
      }
    }
  return result;
}

/** True when this pass finished the event; false when it was already finished or is being finished. */
async function recoverOne(
  { customerId, eventId }: StaleClaim,
  deps: LifecycleDeps,
  lease: 'honoured' | 'ignored',
): Promise<boolean> {
  // The index is eventually consistent: the record itself says whether the claim is still there.
  const record = await deps.store.getEvent(customerId, eventId);
  if (record?.state !== 'claimed' || record.event === undefined) return false;
  // The same path as a redelivery: the claim is taken over only if its lease has passed (else another
  // delivery is at work and this is a duplicate); kept, not released, if finishing it fails.
  const outcome = await finishAbandonedEvent(record.event, deps, lease);
  return outcome.status === 'accepted';
}
