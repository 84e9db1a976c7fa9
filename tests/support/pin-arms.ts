import type { CustomerStore } from '../../domain/ports';

/** Customer id → `<journey>/<split step>` → the arm they take there. */
export type PinnedArms = Record<string, Record<string, string>>;

/**
 * A store that records a pinned customer's split decision on the pinned arm instead of the one their bucket
 * (or a winner) chose: the decision is returned as stored, so the journey follows the pinned arm. Test-only,
 * by construction: it wraps the store in the test harness (the local runtime's `decorateStore`), so nothing
 * a production input carries (an event, a profile, a Task's input, which is a strict schema) can pin an arm.
 */
export function pinArms(store: CustomerStore, pins: PinnedArms): CustomerStore {
  return {
    ...store,
    async recordDecision(record) {
      const arm =
        record.kind === 'split'
          ? pins[record.customerId]?.[`${record.journeyId}/${record.stepId}`]
          : undefined;
      if (arm === undefined) return store.recordDecision(record);
      const explained = record.explanation?.kind === 'split' ? record.explanation.arms : [];
      const pinned = explained.find((a) => a.name === arm);
      if (!pinned)
        throw new Error(
          `${record.customerId} is pinned to "${arm}" at ${record.journeyId}/${record.stepId}, which has no such arm`,
        );
      return store.recordDecision({ ...record, path: arm, holdout: pinned.holdout });
    },
  };
}
