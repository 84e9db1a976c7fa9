import { durationSeconds } from '../config/duration';
import type { JourneyEntryRecord } from '../ports';
import type { CustomerEntries } from './entries';
import { estimateJourney, type LimitContext } from './limits';
import type { Journey } from './schema';

/**
 * Journey interplay: a customer is in at most one journey of an `exclusive` group at a time. Whether a
 * customer is "in" a journey is decided from stored facts: an entry is running unless its execution's end
 * was recorded (execution-end.ts), its goal converted it, another entry pre-empted it, or its
 * `activeUntil` has passed — the longest the journey can hold anyone (limits.ts's worst case: every wait
 * at its longest, every send deferred by quiet hours, its channel's closed hours and a care pause). An execution that failed, timed
 * out or was stopped and whose end event was lost therefore blocks its group for that bound at most.
 */

/**
 * What the bound needs beyond the journey: lifecycle.yaml `care.pauseMarketing`, and the longest a send
 * waits for its channel to open (settings.yaml open hours and closed days, Workflows.sendWindowSeconds).
 */
export interface InterplayContext extends LimitContext {
  journeys: readonly Journey[];
}

/** The bound's context from what ingest and the sweep carry: one derivation, so both bound alike. */
export const interplayContext = (deps: {
  journeys: readonly Journey[];
  lifecycle: { care: { pauseMarketing: string } };
  sendWindowSeconds?: number | undefined;
}): InterplayContext => ({
  journeys: deps.journeys,
  marketingPauseSeconds: durationSeconds(deps.lifecycle.care.pauseMarketing),
  sendWindowSeconds: deps.sendWindowSeconds,
});

/** The latest instant an entry at `enteredAt` can still be in `journey`, whatever happens to it. */
export function activeUntil(journey: Journey, enteredAt: Date, bound: LimitContext): string {
  const { seconds } = estimateJourney(journey, bound);
  return new Date(enteredAt.getTime() + seconds * 1000).toISOString();
}

/** Whether the entry's execution may still be running at `now` (see the module's comment). */
export function isRunning(entry: JourneyEntryRecord, ctx: InterplayContext, now: Date): boolean {
  if (entry.converted || entry.stopped || entry.ended) return false;
  const journey = ctx.journeys.find((j) => j.id === entry.journeyId);
  // An entry from before the bound was recorded gets it from the journey as it is now.
  const until =
    entry.activeUntil ?? (journey ? activeUntil(journey, new Date(entry.enteredAt), ctx) : entry.enteredAt);
  return Date.parse(until) > now.getTime();
}

export type Exclusivity =
  | { kind: 'free' }
  /** A journey of the group of at least the same priority holds the customer: not started. */
  | { kind: 'blocked'; by: JourneyEntryRecord }
  /** Only lower-priority journeys of the group hold the customer: they are stopped for this one. */
  | { kind: 'preempt'; running: JourneyEntryRecord[] };

/**
 * What an entry into `journey` under `executionName` meets in its exclusive group (the journey itself
 * included: a customer runs it once at a time, whatever its reEntry allows). An entry it already
 * pre-empted (a retry of the same turn) is pre-empted again, so its stop is repeated (stops are idempotent).
 */
export async function exclusivity(
  journey: Journey,
  executionName: string,
  deps: InterplayContext & { entries: CustomerEntries; now: Date },
): Promise<Exclusivity> {
  if (journey.exclusive === undefined) return { kind: 'free' };
  const priority = (id: string) => deps.journeys.find((j) => j.id === id)?.priority ?? 0;
  const running: JourneyEntryRecord[] = [];
  // The journey's own running entry holds the customer too: a re-entry waits for it to end.
  for (const other of deps.journeys) {
    if (other.exclusive !== journey.exclusive) continue;
    for (const e of await deps.entries.of(other.id))
      if (e.executionName === executionName) continue;
      else if (e.stopped?.by.executionName === executionName || isRunning(e, deps, deps.now)) running.push(e);
  }
  const by = running.find((e) => !e.stopped && priority(e.journeyId) >= journey.priority);
  if (by) return { kind: 'blocked', by };
  return running.length > 0 ? { kind: 'preempt', running } : { kind: 'free' };
}

/** The entries `by` pre-empts, as they are to be stored: each marked stopped by it (once: a retry keeps it). */
export function markPreempted(
  running: readonly JourneyEntryRecord[],
  by: JourneyEntryRecord,
): JourneyEntryRecord[] {
  return running.map((e) =>
    e.stopped
      ? e
      : {
          ...e,
          stopped: {
            at: by.enteredAt,
            reason: 'preempted' as const,
            by: { journeyId: by.journeyId, executionName: by.executionName },
          },
        },
  );
}

/** The order a turn's starts are decided in: a higher priority first, so that it wins a group in one turn. */
export function byPriority<S extends { journeyId: string }>(
  starts: readonly S[],
  journeys: readonly Journey[],
): S[] {
  const priority = (id: string) => journeys.find((j) => j.id === id)?.priority ?? 0;
  return [...starts].sort((a, b) => priority(b.journeyId) - priority(a.journeyId));
}
