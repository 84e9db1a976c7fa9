// From types.ts, not custom.ts: the compiler and the starters need no declaration schemas.
import { isCustomType } from '../events/types';
import type { BranchStep, Journey } from './schema';

/**
 * Whether a journey starts on a declared event (or on one of several types, one of them declared): its
 * executions then carry the entry event's properties as `event`, and its sends pass them to templates.
 * Only then, so that a journey started otherwise compiles to the same states as before.
 */
export function entersOnCustomEvent(journey: Pick<Journey, 'entry'>): boolean {
  const types = journey.entry.event === undefined ? [] : [journey.entry.event].flat();
  return types.some((t) => isCustomType(t));
}

/** Whether a path of this branch tests the entry event's properties: its deciding Task then gets them. */
export function branchReadsEvent(branch: Pick<BranchStep, 'paths'>): boolean {
  return branch.paths.some((p) => p.when.event !== undefined);
}

/**
 * Whether a journey's executions carry the entry event's properties (`event`): one that starts on a
 * declared event (its templates read them), or whose branches test them (a journey that starts on a
 * built-in event carries its properties only then, so that it compiles to the same states as before).
 */
export function carriesEntryEvent(journey: Pick<Journey, 'entry' | 'steps'>): boolean {
  return (
    entersOnCustomEvent(journey) || journey.steps.some((s) => s.type === 'branch' && branchReadsEvent(s))
  );
}
