import { z } from 'zod';
import { Locale } from './ids';
import { expect } from './source';

/** Project-wide settings marketing owns (workflows/settings.yaml). Deployment details live in CDK context. */
export const Settings = z.strictObject({
  brand: z.strictObject({
    name: z.string(expect('the brand name shown in messages')).min(1),
  }),
  locales: z.array(Locale).min(1, expect('at least one locale')),
  defaultLocale: Locale,
});
export type Settings = z.infer<typeof Settings>;
