import { assertNever } from './assert-never';
import { dueIndexValue, type Parked, type ParkReason } from './due';
import { errorName, RapportError, VersionConflictError } from './errors';
import { enterJourneys } from './journey/enter';
import { journeysToStart } from './journey/entry';
import { occasionStarts, scheduled } from './journey/occasions';
import { advanceTime } from './lifecycle/apply';
import { lifecycleChanges } from './lifecycle/changes';
import type { DueWork, LifecycleDeps } from './ports';
import type { Profile } from './profile/profile';
import { recoverClaim, type RecoveryResult } from './recover';
import { CONFLICT_ATTEMPTS, retryOnConflict } from './retry';

/** A customer the sweep could not process and took out of the due index (see domain/due.ts). */
export interface ParkedCustomer extends Parked {
  customerId: string;
  /** False when even recording the parking failed: the customer stays due and is tried again next sweep. */
  recorded: boolean;
}

export interface SweepResult {
  /** Customers whose due time had come. */
  visited: number;
  stageChanges: number;
  tierChanges: number;
  journeysStarted: number;
  /** Customers whose data the sweep cannot work on: out of the due index, recorded on the profile. */
  parked: ParkedCustomer[];
  /**
   * Customers whose turn failed for a reason that may pass (the store, the bus or Step Functions
   * failed, or the customer kept changing): still due, the next sweep takes them again.
   */
  failed: { customerId: string; error: string }[];
  /** Events whose delivery died after claiming them, found in the same read of the index and finished. */
  recovery: RecoveryResult;
  /** Claims still in their lease (a delivery may be at work on them): left alone, looked at next sweep. */
  claimsInLease: number;
}

const BATCH = 100;

type Outcome = { stageChanges: number; tierChanges: number; journeysStarted: number } | { parked: Parked };
const NOTHING: Outcome = { stageChanges: 0, tierChanges: 0, journeysStarted: 0 };

/** The sweep's decision for this customer threw: their stored data is what it cannot work on. */
class UnprocessableCustomerError extends RapportError {
  constructor(
    readonly reason: ParkReason,
    options: { cause: unknown },
  ) {
    super(`the sweep cannot process this customer (${reason})`, options);
  }
}

/** Stored data the sweep cannot work on (a legacy or hand-edited item). */
class InvalidStoredProfileError extends RapportError {}

/**
 * One read of the due index finds both kinds of work a sweep does. Event claims, first in each shard,
 * are finished when their delivery died, exactly as a redelivery would (see recoverClaim). And time is
 * applied: customers whose due time has come (and only they, read from the due-time index) are
 * re-evaluated, their stage and tier changes recorded with cause `timer`, and the journeys that start on
 * those changes, or on today's date (a birthday, a holiday), started. Idempotent: a second or overlapping
 * sweep finds the due time moved on, or loses the conditional write and re-reads; journey starts use
 * deterministic names. One item's failure is that item's alone: a customer is parked (or, after losing
 * every race, left for the next sweep), a claim kept for the next sweep, and the sweep goes on.
 */
export async function sweep(deps: LifecycleDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const result: SweepResult = {
    visited: 0,
    stageChanges: 0,
    tierChanges: 0,
    journeysStarted: 0,
    parked: [],
    failed: [],
    recovery: { recovered: [], failed: [] },
    claimsInLease: 0,
  };
  // An item re-indexed at a place still due (a customer's new due time in a later page or shard) is
  // taken once per sweep.
  const seen = { customer: new Set<string>(), claim: new Set<string>() };
  for await (const page of deps.store.listDueWork(now.toISOString(), BATCH)) {
    for (const work of page) {
      const key = work.kind === 'claim' ? JSON.stringify([work.customerId, work.eventId]) : work.customerId;
      if (seen[work.kind].has(key)) continue;
      seen[work.kind].add(key);
      await take(work, deps, now, result);
    }
  }
  return result;
}

async function take(work: DueWork, deps: LifecycleDeps, now: Date, result: SweepResult) {
  switch (work.kind) {
    case 'claim':
      if ((await recoverClaim(work, deps, 'honoured', result.recovery)) === 'in-lease')
        result.claimsInLease++;
      return;
    case 'customer':
      result.visited++;
      return visit(work.customerId, deps, now, result);
    default:
      return assertNever(work);
  }
}

async function visit(customerId: string, deps: LifecycleDeps, now: Date, result: SweepResult) {
  let outcome: Outcome;
  try {
    outcome = await retryOnConflict(
      CONFLICT_ATTEMPTS.sweep,
      () => advanceCustomer(customerId, deps, now),
      (last) =>
        new VersionConflictError(`customer ${customerId} kept changing during the sweep`, { cause: last }),
    );
  } catch (e) {
    // Deciding is pure, so a customer it fails on fails every time: park them. Anything else may pass.
    if (e instanceof UnprocessableCustomerError)
      result.parked.push(await park(customerId, deps, now, e.reason, errorName(e.cause)));
    else result.failed.push({ customerId, error: errorName(e) });
    return;
  }
  if ('parked' in outcome) {
    result.parked.push({ customerId, ...outcome.parked, recorded: true });
    return;
  }
  result.stageChanges += outcome.stageChanges;
  result.tierChanges += outcome.tierChanges;
  result.journeysStarted += outcome.journeysStarted;
}

/**
 * Re-evaluates one customer, announces their stage and tier changes and starts the journeys those, or
 * the date, begin, *before* storing the profile: if the sweep dies in between, the next sweep finds the customer still
 * due, computes the same starts (same deterministic names) and nothing is lost or started twice.
 */
async function advanceCustomer(customerId: string, deps: LifecycleDeps, now: Date): Promise<Outcome> {
  const current = await deps.store.getProfile(customerId);
  if (current?.dueAt === undefined) return NOTHING;
  const due = dueIndexValue(current.dueAt);
  // A due time no index can order (a legacy `+010000-…`) would be "due" for ever: park it.
  if (due === undefined) return { parked: await writeParked(current, deps, now, 'due-out-of-range') };
  if (Date.parse(due) > now.getTime()) return NOTHING;
  const { advanced, stageChanges, tierChanges, starts } = decide(current, deps, now);
  await deps.publisher.publish(lifecycleChanges(customerId, { stageChanges, tierChanges }));
  const { entered } = await enterJourneys(starts, advanced, { ...deps, now });
  await deps.store.putProfile({ ...advanced, version: current.version + 1, updatedAt: now.toISOString() });
  return {
    stageChanges: stageChanges.length,
    tierChanges: tierChanges.length,
    journeysStarted: entered.length,
  };
}

/** The pure part of a customer's turn: what time did to them, what starts, when they are next due. */
function decide(current: Profile, deps: LifecycleDeps, now: Date) {
  try {
    checkStoredProfile(current);
    const { profile, stageChanges, tierChanges } = advanceTime(current, deps.lifecycle, now);
    const starts = [
      ...stageChanges.map((c) => ({ change: c, changes: { stageChanges: [c], tierChanges: [] } })),
      ...tierChanges.map((c) => ({ change: c, changes: { stageChanges: [], tierChanges: [c] } })),
    ].flatMap(({ change, changes }) =>
      journeysToStart(
        deps.journeys,
        { eventId: `timer:${change.to}:${change.at}`, type: 'timer', at: change.at },
        changes,
        profile,
      ),
    );
    starts.push(...occasionStarts(deps.journeys, profile, deps.calendar, now));
    const advanced = scheduled({ ...profile, occasionsCheckedAt: now.toISOString() }, deps);
    return { advanced, stageChanges, tierChanges, starts };
  } catch (e) {
    throw new UnprocessableCustomerError(
      e instanceof InvalidStoredProfileError ? 'invalid-profile' : 'failed',
      { cause: e },
    );
  }
}

/** What the sweep relies on in a stored profile; anything else is a legacy or damaged item. */
function checkStoredProfile(p: Profile): void {
  const bad = [
    !Number.isInteger(p.version) && 'version',
    !Array.isArray(p.stageHistory) && 'stageHistory',
    !Array.isArray(p.tierHistory) && 'tierHistory',
    !Array.isArray(p.recentPurchases) && 'recentPurchases',
    Number.isNaN(Date.parse(p.evaluatedAt)) && 'evaluatedAt',
    p.lastPurchaseAt !== undefined && dueIndexValue(p.lastPurchaseAt) === undefined && 'lastPurchaseAt',
  ].filter((f): f is string => f !== false);
  if (bad.length > 0)
    throw new InvalidStoredProfileError(`stored profile has unusable fields: ${bad.join(', ')}`);
}

/** Takes the customer out of the due index, recording when and why on the profile itself. */
async function writeParked(
  current: Profile,
  deps: LifecycleDeps,
  now: Date,
  reason: ParkReason,
  error?: string,
) {
  const parked: Parked = { at: now.toISOString(), reason, ...(error !== undefined ? { error } : {}) };
  const { dueAt: _unusable, ...rest } = current;
  await deps.store.putProfile({ ...rest, parked, version: current.version + 1, updatedAt: parked.at });
  return parked;
}

/** Parks a customer whose processing threw; if even that fails, they stay due for the next sweep. */
async function park(
  customerId: string,
  deps: LifecycleDeps,
  now: Date,
  reason: ParkReason,
  error: string,
): Promise<ParkedCustomer> {
  try {
    const parked = await retryOnConflict(CONFLICT_ATTEMPTS.sweep, async () => {
      const current = await deps.store.getProfile(customerId);
      if (!current) return { at: now.toISOString(), reason, error };
      return writeParked(current, deps, now, reason, error);
    });
    return { customerId, ...parked, recorded: true };
  } catch {
    return { customerId, at: now.toISOString(), reason, error, recorded: false };
  }
}
