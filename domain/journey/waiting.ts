import { durationSeconds } from '../config/duration';
import type { ExclusiveGroup, ExclusiveGroups } from '../config/interplay';
import type { EntryRef, JourneyEntryRecord, LifecycleDeps } from '../ports';
import { executionInput, type Entered } from './enter';
import { activeUntil, interplayContext, isRunning } from './interplay';
import type { JourneyStart } from './entry';
import type { Profile } from '../profile/profile';
import { earliest, scheduled } from './occasions';
import type { Journey } from './schema';

/**
 * An exclusive group configured `onHigherPriority: wait`: a higher-priority entry that finds a lower one
 * running does not stop it; it is written as a waiting entry (not started) that holds the group, and
 * starts when the entries it waits behind have ended — at once when an end is recorded (the sweep
 * worker, execution-end.ts), or when its bound comes (the sweep: the profile is due then). The bound is
 * the latest `activeUntil` of what it waits behind (by then none of them can still run), but never past
 * the group's `waitAtMost`: a waiting entry still held then expires, recorded on it, never started.
 */

/** The group's settings when it waits, else undefined (pre-empting is the default). */
export function waitingGroup(
  journey: Journey,
  groups: ExclusiveGroups | undefined,
): ExclusiveGroup | undefined {
  const group = journey.exclusive === undefined ? undefined : groups?.[journey.exclusive];
  return group?.onHigherPriority === 'wait' ? group : undefined;
}

/** `entry` (as it would start) made a waiting entry behind the running entries `behind`. */
export function waitingEntry(
  entry: JourneyEntryRecord,
  start: JourneyStart,
  behind: readonly JourneyEntryRecord[],
  group: ExclusiveGroup,
): JourneyEntryRecord {
  const since = entry.enteredAt;
  const longest = Date.parse(since) + durationSeconds(group.waitAtMost) * 1000;
  const blockersEnd = Math.max(...behind.map((e) => Date.parse(e.activeUntil ?? since)));
  const until = new Date(Math.min(longest, blockersEnd)).toISOString();
  const refs: EntryRef[] = behind.map(({ journeyId, executionName }) => ({ journeyId, executionName }));
  // Held until `until` as pending (activeUntil), so that no lower priority enters meanwhile.
  return { ...entry, activeUntil: until, waiting: { since, until, behind: refs, input: start.input } };
}

export interface WaitingOutcome {
  started: Entered[];
  expired: EntryRef[];
  /** The earliest bound of the entries still waiting (the profile's `waitingUntil`), if any. */
  until?: string;
}

/**
 * Starts the customer's waiting entries whose group is free now, highest priority first (a started one
 * holds the group for the others), and expires those whose bound has passed while still held. An erased
 * customer (no profile) has no entries left: nothing starts. The entry is written before its start, as
 * every start is (enterJourneys), and the start has the entry's deterministic name: a retry is harmless.
 */
export async function settleWaitingEntries(
  customerId: string,
  deps: Pick<
    LifecycleDeps,
    'store' | 'starter' | 'journeys' | 'calendar' | 'lifecycle' | 'sendWindowSeconds'
  >,
  now: Date,
): Promise<WaitingOutcome> {
  const outcome: WaitingOutcome = { started: [], expired: [] };
  const all = await deps.store.listAllJourneyEntries(customerId);
  if (!all.some((e) => e.waiting)) return outcome;
  const done = () => {
    const until = waitingDue(all);
    return until === undefined ? outcome : { ...outcome, until };
  };
  const profile = await deps.store.getProfile(customerId);
  if (!profile) return outcome;
  const ctx = interplayContext(deps);
  const journeyOf = (id: string) => deps.journeys.find((j) => j.id === id);
  const priority = (e: JourneyEntryRecord) => journeyOf(e.journeyId)?.priority ?? 0;
  const waiting = all.filter((e) => e.waiting).sort((a, b) => priority(b) - priority(a));
  for (const entry of waiting) {
    const journey = journeyOf(entry.journeyId);
    const { since, until, behind, input } = entry.waiting!;
    if (!journey) continue;
    const held = all.some(
      (e) =>
        !e.waiting &&
        e.executionName !== entry.executionName &&
        journeyOf(e.journeyId)?.exclusive === journey.exclusive &&
        isRunning(e, ctx, now),
    );
    // A goal that converted it (or anything that stopped it) while it waited: it never starts.
    const expired = Date.parse(until) <= now.getTime() || !!entry.converted || !!entry.stopped;
    if (held && !expired) continue;
    const { waiting: _w, ...rest } = entry;
    const settled: JourneyEntryRecord =
      held || entry.converted || entry.stopped
        ? { ...rest, waited: { since, until, behind, outcome: 'expired', at: now.toISOString() } }
        : {
            ...rest,
            enteredAt: now.toISOString(),
            activeUntil: activeUntil(journey, now, ctx),
            waited: { since, until, behind, outcome: 'started', at: now.toISOString() },
          };
    await deps.store.putJourneyEntries([settled]);
    all[all.indexOf(entry)] = settled;
    const { journeyId, executionName, executionArn } = settled;
    if (settled.waited?.outcome === 'expired') {
      outcome.expired.push({ journeyId, executionName });
      continue;
    }
    const start = { journeyId, executionName, input };
    await deps.starter.start({ ...start, input: executionInput(journey, input, profile, { ...deps, now }) });
    outcome.started.push({ journeyId, executionName, executionArn });
  }
  return done();
}

/** The earliest bound of the customer's waiting entries: when the sweep must look at them at the latest. */
export const waitingDue = (entries: readonly JourneyEntryRecord[]): string | undefined =>
  entries
    .map((e) => e.waiting?.until)
    .filter((u): u is string => u !== undefined)
    .sort()[0];

/** The profile with a new waiting entry's bound, and its due time moved to it if that comes first. */
export function withWaitingUntil(
  profile: Profile,
  until: string,
  deps: Parameters<typeof scheduled>[1],
): Profile {
  return scheduled({ ...profile, waitingUntil: earliest(profile.waitingUntil, until) ?? until }, deps);
}
