import { dueIndexValue, type Parked, type ParkReason } from './due';
import { errorName, RapportError, VersionConflictError } from './errors';
import { enterJourneys, heldBack } from './journey/enter';
import { journeysToStart } from './journey/entry';
import { missedOccasions, occasionStarts, scheduled, type MissedOccasion } from './journey/occasions';
import { settleWaitingEntries, withWaitingUntil } from './journey/waiting';
import { advanceTime } from './lifecycle/apply';
import { lifecycleChanges } from './lifecycle/changes';
import type { LifecycleDeps, SkippedEntry } from './ports';
import type { Profile } from './profile/profile';
import { CONFLICT_ATTEMPTS, retryOnConflict } from './retry';

/** A customer the sweep could not process and took out of the due index (see domain/due.ts). */
export interface ParkedCustomer extends Parked {
  customerId: string;
  /** False when even recording the parking failed: the customer stays due and is tried again next sweep. */
  recorded: boolean;
}

/** What the workers' turns did, summed. */
export interface TurnResult {
  /** Customers handed to a worker (whether or not they were still due). */
  visited: number;
  /** Of those, the ones no longer due: a message delivered again, or a turn already taken. */
  notDue: number;
  stageChanges: number;
  tierChanges: number;
  journeysStarted: number;
  /** Customers whose data the sweep cannot work on: out of the due index, recorded on the profile. */
  parked: ParkedCustomer[];
  /**
   * Customers whose turn failed for a reason that may pass (the store, the bus or Step Functions
   * failed, or the customer kept changing): still due, tried again.
   */
  failed: { customerId: string; error: string }[];
  /** Greetings found more than a day after their due time: never sent (see missedOccasions). */
  occasionsMissed: MissedOccasion[];
  /** Starts an exclusive group held back: another journey of the group holds the customer (interplay.ts). */
  entriesHeld: ({ customerId: string } & SkippedEntry)[];
}

export function noTurns(): TurnResult {
  return {
    visited: 0,
    notDue: 0,
    stageChanges: 0,
    tierChanges: 0,
    journeysStarted: 0,
    parked: [],
    failed: [],
    occasionsMissed: [],
    entriesHeld: [],
  };
}

/** Adds `more` into `into`. */
export function addTurns(into: TurnResult, more: TurnResult): TurnResult {
  into.visited += more.visited;
  into.notDue += more.notDue;
  into.stageChanges += more.stageChanges;
  into.tierChanges += more.tierChanges;
  into.journeysStarted += more.journeysStarted;
  into.parked.push(...more.parked);
  into.failed.push(...more.failed);
  into.occasionsMissed.push(...more.occasionsMissed);
  into.entriesHeld.push(...more.entriesHeld);
  return into;
}

type Outcome =
  | {
      stageChanges: number;
      tierChanges: number;
      journeysStarted: number;
      missed: MissedOccasion[];
      held: SkippedEntry[];
    }
  | { parked: Parked }
  | 'not-due';

/** The sweep's decision for this customer threw: their stored data is what it cannot work on. */
class UnprocessableCustomerError extends RapportError {
  override readonly name: string = 'UnprocessableCustomerError';
  constructor(
    readonly reason: ParkReason,
    options: { cause: unknown },
  ) {
    super(`the sweep cannot process this customer (${reason})`, options);
  }
}

/** Stored data the sweep cannot work on (a legacy or hand-edited item). */
class InvalidStoredProfileError extends RapportError {
  override readonly name: string = 'InvalidStoredProfileError';
}

/**
 * A worker's share of a sweep (see domain/sweep.ts): the customers handed to it, each re-evaluated if
 * their due time has come, their stage and tier changes recorded with cause `timer`, and the journeys
 * that start on those changes, or on today's date (a birthday, a holiday), started. Idempotent: a
 * customer no longer due (a repeat of the message, or a turn already taken) is left as it is; a customer
 * taken twice at once loses the conditional write and re-reads; journey starts use deterministic names.
 * One customer's failure is theirs alone: they are parked, or (after losing every race, or an AWS error)
 * left due and reported in `failed`, and the others go on.
 */
export async function takeTurns(
  customerIds: readonly string[],
  deps: LifecycleDeps,
  result: TurnResult = noTurns(),
): Promise<TurnResult> {
  const now = deps.clock.now();
  for (const customerId of customerIds) {
    result.visited++;
    await visit(customerId, deps, now, result);
  }
  return result;
}

async function visit(customerId: string, deps: LifecycleDeps, now: Date, result: TurnResult) {
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
  if (outcome === 'not-due') {
    result.notDue++;
    return;
  }
  if ('parked' in outcome) {
    result.parked.push({ customerId, ...outcome.parked, recorded: true });
    return;
  }
  result.stageChanges += outcome.stageChanges;
  result.tierChanges += outcome.tierChanges;
  result.journeysStarted += outcome.journeysStarted;
  result.occasionsMissed.push(...outcome.missed);
  result.entriesHeld.push(...outcome.held.map((h) => ({ customerId, ...h })));
}

/**
 * Re-evaluates one customer, announces their stage and tier changes and starts the journeys those, or
 * the date, begin, *before* storing the profile: if the sweep dies in between, the next sweep finds the customer still
 * due, computes the same starts (same deterministic names) and nothing is lost or started twice.
 */
async function advanceCustomer(customerId: string, deps: LifecycleDeps, now: Date): Promise<Outcome> {
  const current = await deps.store.getProfile(customerId);
  if (current?.dueAt === undefined) return 'not-due';
  const due = dueIndexValue(current.dueAt);
  // A due time no index can order (a legacy `+010000-…`) would be "due" for ever: park it.
  if (due === undefined) return { parked: await writeParked(current, deps, now, 'due-out-of-range') };
  if (Date.parse(due) > now.getTime()) return 'not-due';
  const waits = await waitingTurn(current, deps, now);
  const { advanced, stageChanges, tierChanges, starts, missed } = decide(waits.profile, deps, now);
  await deps.publisher.publish(lifecycleChanges(customerId, { stageChanges, tierChanges }));
  const { entered, skipped, waitingUntil } = await enterJourneys(starts, advanced, { ...deps, now });
  const next = waitingUntil === undefined ? advanced : withWaitingUntil(advanced, waitingUntil, deps);
  await deps.store.putProfile({ ...next, version: current.version + 1, updatedAt: now.toISOString() });
  return {
    stageChanges: stageChanges.length,
    tierChanges: tierChanges.length,
    journeysStarted: entered.length + waits.started,
    missed,
    held: heldBack(skipped),
  };
}

/**
 * The bound of a waiting journey entry has come (the profile's `waitingUntil`): it starts if its group is
 * free, or expires (journey/waiting.ts); the profile keeps the bound of those still waiting, if any.
 */
async function waitingTurn(current: Profile, deps: LifecycleDeps, now: Date) {
  const { waitingUntil, ...rest } = current;
  if (waitingUntil === undefined || Date.parse(waitingUntil) > now.getTime())
    return { profile: current, started: 0 };
  const settled = await settleWaitingEntries(current.customerId, deps, now);
  const profile = settled.until === undefined ? rest : { ...rest, waitingUntil: settled.until };
  return { profile, started: settled.started.length };
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
    const missed = missedOccasions(deps.journeys, profile, deps.calendar, now);
    const advanced = scheduled({ ...profile, occasionsCheckedAt: now.toISOString() }, deps);
    return { advanced, stageChanges, tierChanges, starts, missed };
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
