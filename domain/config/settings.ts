import { z } from 'zod';
import { Locale, Slug, TimeZone } from './ids';
import { expect } from './source';

/** Project-wide settings marketing owns (workflows/settings.yaml). Deployment details live in CDK context. */
export const Settings = z.strictObject({
  brand: z.strictObject({
    name: z.string(expect('the brand name shown in messages')).min(1),
  }),
  locales: z.array(Locale).min(1, expect('at least one locale')),
  defaultLocale: Locale,
  defaultTimeZone: TimeZone.default('UTC').describe('For customers whose time zone is unknown.'),
  holidays: z
    .record(
      Slug,
      z
        .array(
          z
            .string()
            .regex(
              /^(\d{4}-)?\d{2}-\d{2}$/,
              expect('a date "2027-02-06" (that day) or "12-25" (every year)'),
            ),
        )
        .min(1),
    )
    .default({})
    .describe('Holidays journeys can wait for. Moving feasts (Spring Festival, Mid-Autumn) list each year.'),
});
export type Settings = z.infer<typeof Settings>;
