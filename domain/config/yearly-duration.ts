import * as z from 'zod';
import { addCalendarYear } from '../time/calendar-year';
import { Duration, durationSeconds } from './duration';
import { expect } from './problems';

// Apart from duration.ts, which every handler's schemas import: only the journey schema and entry read these.

/** A calendar year, the one duration that is not a number of seconds. */
export const CALENDAR_YEAR = '1y';

/**
 * A duration that may also be one calendar year ("1y"): same month, day and local time a year on in
 * the customer's time zone (see addCalendarYear). Only where the end is worked out as a timestamp in
 * code (re-entry), never compiled to a number of seconds.
 */
export const YearlyDuration = z.union(
  [z.literal(CALENDAR_YEAR), Duration],
  expect('a duration such as "30d" or "2w", or "1y" for a calendar year'),
);
export type YearlyDuration = z.infer<typeof YearlyDuration>;

/** The instant `duration` after `from`: a calendar year in `timeZone` for "1y", else its seconds. */
export function addDuration(from: Date, duration: YearlyDuration, timeZone: string): Date {
  if (duration === CALENDAR_YEAR) return addCalendarYear(from, timeZone);
  return new Date(from.getTime() + durationSeconds(duration) * 1000);
}
