// From types.ts, not custom.ts: the compiler and the starters need no declaration schemas.
import { isCustomType } from '../events/types';
import type { Journey } from './schema';

/**
 * Whether a journey starts on a declared event (or on one of several types, one of them declared): its
 * executions then carry the entry event's properties as `event`, and its sends pass them to templates.
 * Only then, so that a journey started otherwise compiles to the same states as before.
 */
export function entersOnCustomEvent(journey: Pick<Journey, 'entry'>): boolean {
  const types = journey.entry.event === undefined ? [] : [journey.entry.event].flat();
  return types.some((t) => isCustomType(t));
}
