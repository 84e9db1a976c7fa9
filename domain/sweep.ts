import type { Clock } from './clock';
import { VersionConflictError } from './errors';
import { enterJourneys } from './journey/enter';
import { journeysToStart } from './journey/entry';
import type { Journey } from './journey/schema';
import { advanceTime } from './lifecycle/apply';
import type { Lifecycle } from './lifecycle/schema';
import type { CustomerStore, JourneyStarter } from './ports';

export interface SweepResult {
  /** Customers whose due time had come. */
  visited: number;
  stageChanges: number;
  journeysStarted: number;
}

const BATCH = 100;

/**
 * Applies the passing of time: customers whose inactivity threshold has come (and only they, read from
 * the due-time index) are re-evaluated, their stage changes recorded with cause `timer`, and journeys
 * that start on those stages started. Idempotent: a second or overlapping sweep finds the due time moved
 * on, or loses the conditional write and re-reads; journey starts use deterministic names.
 */
export async function sweep(deps: {
  store: CustomerStore;
  starter: JourneyStarter;
  clock: Clock;
  lifecycle: Lifecycle;
  journeys: readonly Journey[];
}): Promise<SweepResult> {
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
 * Re-evaluates one customer and starts the journeys their new stage or tier begins, *before* storing the
 * profile: if the sweep dies in between, the next sweep finds the customer still due, computes the same
 * starts (same deterministic names) and nothing is lost or started twice.
 */
async function advanceCustomer(
  customerId: string,
  deps: { store: CustomerStore; starter: JourneyStarter; lifecycle: Lifecycle; journeys: readonly Journey[] },
  now: Date,
): Promise<{ stageChanges: number; journeysStarted: number }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await deps.store.getProfile(customerId);
    if (!current?.dueAt || Date.parse(current.dueAt) > now.getTime())
      return { stageChanges: 0, journeysStarted: 0 };
    const { profile, stageChanges, tierChanges } = advanceTime(current, deps.lifecycle, now);
    let journeysStarted = 0;
    const one = [
      ...stageChanges.map((c) => ({ change: c, changes: { stageChanges: [c], tierChanges: [] } })),
      ...tierChanges.map((c) => ({ change: c, changes: { stageChanges: [], tierChanges: [c] } })),
    ];
    for (const { change, changes } of one) {
      const trigger = { eventId: `timer:${change.to}:${change.at}`, type: 'timer' as const, at: change.at };
      const starts = journeysToStart(deps.journeys, trigger, changes, profile);
      journeysStarted += (await enterJourneys(starts, { ...deps, now })).entered.length;
    }
    try {
      await deps.store.putProfile({ ...profile, version: current.version + 1, updatedAt: now.toISOString() });
      return { stageChanges: stageChanges.length, journeysStarted };
    } catch (e) {
      if (!(e instanceof VersionConflictError)) throw e;
    }
  }
  throw new VersionConflictError(
    `customer ${customerId} kept changing during the sweep; the next sweep will retry`,
  );
}
