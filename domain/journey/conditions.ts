import { percentBucket } from '../bucket';
import type { Profile } from '../profile/profile';
import { conditionHolds } from './explain';
import type { CustomerCondition, EntryEventProperties } from './step-inputs';

/**
 * Does a branch condition hold for this customer (and, for an `event` test, the entry event's
 * properties)? Every key present must hold (see explain.ts).
 */
export function customerMatches(c: CustomerCondition, p: Profile, event?: EntryEventProperties): boolean {
  return conditionHolds(c, p, event);
}

/**
 * A customer's place in [0, 100) for a split: random across customers, fixed for each (a hash of the
 * journey, the step and the customer), so a re-run or a retry never moves anyone to another path.
 */
export function splitBucket(journeyId: string, stepId: string, customerId: string): number {
  return percentBucket(journeyId, stepId, customerId);
}

export function pickSplitPath<P extends { name: string; percent: number }>(
  paths: readonly P[],
  bucket: number,
): P {
  let upTo = 0;
  for (const p of paths) {
    upTo += p.percent;
    if (bucket < upTo) return p;
  }
  return paths[paths.length - 1]!;
}
