import type { Clock } from './clock';
import { VersionConflictError } from './errors';
import { journeysToStart } from './journey/entry';
import type { Journey } from './journey/schema';
import { advanceTime } from './lifecycle/apply';
import type { Lifecycle } from './lifecycle/schema';
import type { CustomerStore, JourneyStarter } from './ports';
import type { StageChange } from './profile/profile';

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
      const changes = await advanceCustomer(customerId, deps, now);
      result.stageChanges += changes.stageChanges.length;
      if (changes.stageChanges.length + changes.tierChanges.length === 0) continue;
      const profile = await deps.store.getProfile(customerId);
      if (!profile) continue;
      const each = [
        ...changes.stageChanges.map((c) => ({ stageChanges: [c], tierChanges: [] })),
        ...changes.tierChanges.map((c) => ({ stageChanges: [], tierChanges: [c] })),
      ];
      for (const one of each) {
        const change = one.stageChanges[0] ?? one.tierChanges[0]!;
        const trigger = { eventId: `timer:${change.to}:${change.at}`, type: 'timer' as const, at: change.at };
        for (const start of journeysToStart(deps.journeys, trigger, one, profile)) {
          await deps.starter.start(start);
          result.journeysStarted++;
        }
      }
    }
  }
}

async function advanceCustomer(
  customerId: string,
  deps: { store: CustomerStore; lifecycle: Lifecycle },
  now: Date,
): Promise<{ stageChanges: StageChange[]; tierChanges: StageChange[] }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await deps.store.getProfile(customerId);
    if (!current?.dueAt || Date.parse(current.dueAt) > now.getTime())
      return { stageChanges: [], tierChanges: [] };
    const { profile, stageChanges, tierChanges } = advanceTime(current, deps.lifecycle, now);
    try {
      await deps.store.putProfile({ ...profile, version: current.version + 1, updatedAt: now.toISOString() });
      return { stageChanges, tierChanges };
    } catch (e) {
      if (!(e instanceof VersionConflictError)) throw e;
    }
  }
  throw new VersionConflictError(
    `customer ${customerId} kept changing during the sweep; the next sweep will retry`,
  );
}
