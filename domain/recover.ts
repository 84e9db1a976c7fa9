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

/**
 * What became of one claim found in the due index: `recovered` (this pass finished its event), `done`
 * (finished already, or being finished by another delivery), `in-lease` (a delivery may be at work on
 * it: left alone, the next pass looks again), or `failed` (kept, with its event, for the next pass).
 */
export type ClaimRecovery = 'recovered' | 'done' | 'in-lease' | 'failed';

const BATCH = 100;

/**
 * Finishes the events whose delivery claimed them and then stopped dead (a Lambda timeout, a killed
 * process) when the source will never deliver them again: an HTTP client that got no answer and gave up,
 * or a local crash. Reads only the claims from the due index, never a due customer: the local start-up
 * pass. The sweep finds claims in its own single read of the index and finishes each with recoverClaim.
 */
export async function recoverStaleClaims(
  deps: LifecycleDeps,
  options: RecoveryOptions = {},
): Promise<RecoveryResult> {
  const result: RecoveryResult = { recovered: [], failed: [] };
  const lease = options.everyClaim ? 'ignored' : 'honoured';
  for await (const page of deps.store.listClaims(BATCH))
    for (const claim of page) await recoverClaim(claim, deps, lease, result);
  return result;
}

/**
 * Finishes one claim's event exactly as a takeover by a redelivery would: the claim is taken over with a
 * conditional write (so a redelivery racing this pass, or an overlapping pass, is a duplicate), the event
 * is applied unless the profile's recent event ids say it already was, its changes announced, its
 * journeys started under their deterministic names, and the record marked done. Adds the claim to
 * `result` when it is recovered or its recovery failed; one that fails is that event's alone.
 */
export async function recoverClaim(
  { customerId, eventId }: StaleClaim,
  deps: LifecycleDeps,
  lease: 'honoured' | 'ignored',
  result: RecoveryResult,
): Promise<ClaimRecovery> {
  try {
    const outcome = await recoverOne({ customerId, eventId }, deps, lease);
    if (outcome === 'recovered') result.recovered.push({ customerId, eventId });
    return outcome;
  } catch (e) {
    result.failed.push({ customerId, eventId, error: errorName(e) });
    return 'failed';
  }
}

async function recoverOne(
  { customerId, eventId }: StaleClaim,
  deps: LifecycleDeps,
  lease: 'honoured' | 'ignored',
): Promise<Exclude<ClaimRecovery, 'failed'>> {
  // The index is eventually consistent, and says nothing of the lease: the record itself says both.
  const record = await deps.store.getEvent(customerId, eventId);
  if (record?.state !== 'claimed' || record.event === undefined) return 'done';
  if (lease === 'honoured' && Date.parse(record.leaseUntil) > deps.clock.now().getTime()) return 'in-lease';
  // The same path as a redelivery: the claim is taken over only if its lease has passed (else another
  // delivery is at work and this is a duplicate); kept, not released, if finishing it fails.
  const outcome = await finishAbandonedEvent(record.event, deps, lease);
  return outcome.status === 'accepted' ? 'recovered' : 'done';
}
