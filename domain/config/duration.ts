import * as z from 'zod';
import { expect } from './problems';
import { addCalendarYear } from '../time/calendar-year';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION = /^([1-9][0-9]*)(s|m|h|d|w)$/;

/** Step Functions ends a Standard execution after one year, so no single wait may be longer. */
export const MAX_DURATION_SECONDS = 365 * 86_400;

/** A calendar year ("1y"), accepted only where a timestamp is worked out in code: see YearlyDuration. */
export const CALENDAR_YEAR = '1y';
const YEARS = /^[0-9]+y$/;

export const Duration = z
  .string(expect('a duration such as "30m", "12h", "3d" or "2w"'))
  .refine((v) => !YEARS.test(v), {
    error: expect(
      'a duration in s, m, h, d or w here: a calendar year ("1y") is allowed only in reEntry.every. A wait, timeout or window compiles to seconds, and a year is 365 or 366 days; a wait of a year could also outlast the Step Functions execution (1 year at most). For a yearly date use date: { anniversary: firstPurchaseAt } or wait: { until: { anniversary: ... } }',
    ).error,
    abort: true,
  })
  .regex(
    DURATION,
    expect('a duration such as "30m", "12h", "3d" or "2w" (a whole number and one of s, m, h, d, w)'),
  )
  .refine(
    (v) => !DURATION.test(v) || durationSeconds(v) <= MAX_DURATION_SECONDS,
    expect('at most 365d (a Step Functions execution cannot last longer than a year)'),
  );
export type Duration = z.infer<typeof Duration>;

export function durationSeconds(duration: string): number {
  const m = DURATION.exec(duration);
  if (!m) throw new RangeError(`not a duration: ${duration}`);
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}

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
