import * as z from 'zod';
import { expect } from './problems';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION = /^([1-9][0-9]*)(s|m|h|d|w)$/;

/** Step Functions ends a Standard execution after one year, so no single wait may be longer. */
export const MAX_DURATION_SECONDS = 365 * 86_400;

export const Duration = z
  .string(expect('a duration such as "30m", "12h", "3d" or "2w"'))
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
