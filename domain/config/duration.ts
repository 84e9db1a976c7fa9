import * as z from '../zod';
import { expect } from './problems';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION = /^([1-9][0-9]*)(s|m|h|d|w)$/;

/** Step Functions ends a Standard execution after one year, so no single wait may be longer. */
export const MAX_DURATION_SECONDS = 365 * 86_400;

// A calendar year ("1y") is accepted only where a timestamp is worked out in code: see span.ts.
const YEARS = /^[0-9]+y$/;

export const Duration = z.string(expect('a duration such as "30m", "12h", "3d" or "2w"')).check(
  z.refine((v) => !YEARS.test(v), {
    error: expect(
      's, m, h, d or w here: "1y" (a calendar year, 365 or 366 days) is not a number of seconds, which a wait or a timeout is compiled to in the state machine (and a year-long wait may outlast its execution, 1 year at most). "1y" is accepted in reEntry.every, goal.within, an experiment\'s metric.within and lifecycle windows; for a yearly date: date: { anniversary: firstPurchaseAt } or wait until: { anniversary: ... }',
    ).error,
    abort: true,
  }),
  z.regex(
    DURATION,
    expect('a duration such as "30m", "12h", "3d" or "2w" (a whole number and one of s, m, h, d, w)'),
  ),
  z.refine(
    (v) => !DURATION.test(v) || durationSeconds(v) <= MAX_DURATION_SECONDS,
    expect('at most 365d (a Step Functions execution cannot last longer than a year)'),
  ),
);
export type Duration = z.infer<typeof Duration>;

/** Whether durationSeconds can read `v`: for checks made beside the schema's, on the file as written. */
export const isDuration = (v: string): boolean => DURATION.test(v);

export function durationSeconds(duration: string): number {
  const m = DURATION.exec(duration);
  if (!m) throw new RangeError(`not a duration: ${duration}`);
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}
