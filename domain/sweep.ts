import { VersionConflictError } from './errors';
import { enterJourneys } from './journey/enter';
import { journeysToStart } from './journey/entry';
import { occasionStarts, scheduled } from './journey/occasions';
import { advanceTime } from './lifecycle/apply';
import { lifecycleChanges } from './lifecycle/changes';
import type { LifecycleDeps } from './ports';

export interface SweepResult {
  /** Customers whose due time had come. */
  visited: number;
  stageChanges: number;
  journeysStarted: number;
}

const BATCH = 100;

/**
 * Applies the passing of time: customers whose due time has come (and only they, read from the due-time
 * index) are re-evaluated, their stage changes recorded with cause `timer`, and the journeys that start on
 * those stages, or on today's date (a birthday, a holiday), started. Idempotent: a second or overlapping
 * sweep finds the due time moved on, or loses the conditional write and re-reads; journey starts use
 * deterministic names.
 */
export async function sweep(deps: LifecycleDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const result: SweepResult = { visited: 0, stageChanges: 0, journeysStarted: 0 };
  const seen = new Set<string>();
  for (;;) {
    const due = (await deps.store.listDue(now.toISOString(), BATCH)).filter((id) => !seen.has(id));
    if (due.length === 0) return result;
    for (const customerId of due) {
      seen.add(customerId);
      result.visited++;
      const { stageChanges, journeysStarted } = await advanceCustomer(customerId, deps, now);
      result.stageChanges += stageChanges;
      result.journeysStarted += journeysStarted;
    }
  }
}

/**
 * Re-evaluates one customer, announces their stage and tier changes and starts the journeys those, or
 * the date, begin, *before* storing the profile: if the sweep dies in between, the next sweep finds the customer still
 * due, computes the same starts (same deterministic names) and nothing is lost or started twice.
 */
async function advanceCustomer(
  customerId: string,
  deps: LifecycleDeps,
  now: Date,
): Promise<{ stageChanges: number; journeysStarted: number }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await deps.store.getProfile(customerId);
    if (!current?.dueAt || Date.parse(current.dueAt) > now.getTime())
      return { stageChanges: 0, journeysStarted: 0 };
    const { profile: advanced, stageChanges, tierChanges } = advanceTime(current, deps.lifecycle, now);
    const starts = [
      ...stageChanges.map((c) => ({ change: c, changes: { stageChanges: [c], tierChanges: [] } })),
      ...tierChanges.map((c) => ({ change: c, changes: { stageChanges: [], tierChanges: [c] } })),
    ].flatMap(({ change, changes }) =>
      journeysToStart(
        deps.journeys,
        { eventId: `timer:${change.to}:${change.at}`, type: 'timer', at: change.at },
        changes,
        advanced,
      ),
    );
    starts.push(...occasionStarts(deps.journeys, advanced, deps.calendar, now));
    await deps.publisher.publish(lifecycleChanges(customerId, { stageChanges, tierChanges }));
    const { entered } = await enterJourneys(starts, { ...deps, now });
    const profile = scheduled({ ...advanced, occasionsCheckedAt: now.toISOString() }, deps);
    try {
      await deps.store.putProfile({ ...profile, version: current.version + 1, updatedAt: now.toISOString() });
      return { stageChanges: stageChanges.length, journeysStarted: entered.length };
    } catch (e) {
      if (!(e instanceof VersionConflictError)) throw e;
    }
  }
  throw new VersionConflictError(
    `customer ${customerId} kept changing during the sweep; the next sweep will retry`,
  );
}
