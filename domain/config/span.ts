import * as z from '../zod';
import { remembered } from '../time/memo';
import { addUtcCalendarYear } from '../time/utc-year';
import { Duration, durationSeconds } from './duration';
import { expect } from './problems';

// Apart from duration.ts, which every handler's schemas import, and from yearly-duration.ts (a calendar
// year in a customer's time zone, read through Intl): the lifecycle's rules read these on every evaluation.

/** A calendar year, the one duration that is not a number of seconds. */
export const CALENDAR_YEAR = '1y';

/**
 * A duration that may also be one calendar year ("1y"): a span measured in code from a stored date, whose
 * end is worked out as a timestamp (re-entry, a goal's window, an experiment's metric window, lifecycle
 * windows), never a wait compiled to a number of seconds.
 */
export const YearlyDuration = z.union(
  [z.literal(CALENDAR_YEAR), Duration],
  expect('a duration such as "30d" or "2w", or "1y" for a calendar year'),
);
export type YearlyDuration = z.infer<typeof YearlyDuration>;

const DAY_MS = 86_400_000;
const spanMs = remembered(
  (duration: string) => durationSeconds(duration) * 1000,
  (duration) => duration,
);

/**
 * Where a span from `from` (epoch milliseconds) ends: for "1y", the same UTC month, day and time a year on
 * (addUtcCalendarYear: a rule for every customer alike, not one customer's calendar), else its length.
 */
export function spanEnd(from: number, duration: YearlyDuration): number {
  return duration === CALENDAR_YEAR ? addUtcCalendarYear(from) : from + spanMs(duration);
}

/** The shortest and the longest a span can be, in milliseconds: a calendar year is 365 or 366 days. */
export function spanBounds(duration: YearlyDuration): { shortest: number; longest: number } {
  if (duration === CALENDAR_YEAR) return { shortest: 365 * DAY_MS, longest: 366 * DAY_MS };
  const ms = spanMs(duration);
  return { shortest: ms, longest: ms };
}
