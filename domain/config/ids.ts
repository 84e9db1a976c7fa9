import * as z from '../zod';
import { expect } from './problems';

/** Lower-case kebab ids: they become Step Functions state names, file names and metric dimensions. */
export const Slug = z
  .string(expect('an id in lower-case kebab-case, e.g. "first-small-purchase"'))
  .check(
    z.regex(
      /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
      expect('an id in lower-case kebab-case, e.g. "first-small-purchase"'),
    ),
    z.maxLength(64, expect('an id of at most 64 characters')),
  );

export const Locale = z
  .string(expect('a BCP 47 locale such as "en" or "zh-CN"'))
  .check(z.refine(isLocale, expect('a BCP 47 locale such as "en" or "zh-CN"')));

export const TimeZone = z
  .string(expect('an IANA time zone such as "Asia/Shanghai" or "Europe/London"'))
  .check(z.refine(isTimeZone, expect('an IANA time zone such as "Asia/Shanghai" or "Europe/London"')));

// ISO 4217 as the runtime's ICU knows it: "ABC" has the shape of a code but names no currency. Read on
// the first check, once: most functions bundle this schema and never see a purchase.
let currencies: Set<string> | undefined;
const isCurrency = (c: string) => (currencies ??= new Set(Intl.supportedValuesOf('currency'))).has(c);

export const Currency = z.string(expect('an ISO 4217 currency code such as "CNY" or "USD"')).check(
  z.regex(/^[A-Z]{3}$/, expect('an ISO 4217 currency code in capitals, such as "CNY" or "USD"')),
  z.refine(
    (c) => !/^[A-Z]{3}$/.test(c) || isCurrency(c),
    expect('an ISO 4217 currency code in use, such as "CNY", "USD" or "EUR"'),
  ),
);

export const TimeOfDay = z
  .string(expect('a time of day such as "09:30"'))
  .check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, expect('a time of day such as "09:30" (24-hour clock)')));

/** Where Rapport reaches a customer. */
export const CHANNELS = ['email', 'sms'] as const;
export const Channel = z.enum(CHANNELS, expect('a channel: "email" or "sms"'));
export type Channel = z.infer<typeof Channel>;

export function isLocale(v: string): boolean {
  let known = locales.get(v);
  if (known === undefined) {
    try {
      known = Intl.getCanonicalLocales(v).length === 1;
    } catch {
      known = false;
    }
    if (locales.size >= 10_000) locales.clear();
    locales.set(v, known);
  }
  return known;
}

// Every event of a history or a population names one of a few locales; ICU's check costs 15 µs a call.
const locales = new Map<string, boolean>();

// Building a DateTimeFormat costs about 140 µs: a history or a population of a million customers checks
// the same few zones millions of times. Bounded, since the strings checked come from outside.
const ZONE_CACHE_LIMIT = 1_000;
const zones = new Map<string, boolean>();

export function isTimeZone(v: string): boolean {
  const known = zones.get(v);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    valid = true;
  } catch {
    valid = false;
  }
  if (zones.size >= ZONE_CACHE_LIMIT) zones.clear();
  zones.set(v, valid);
  return valid;
}

export type Slug = z.infer<typeof Slug>;
export type Locale = z.infer<typeof Locale>;
export type TimeZone = z.infer<typeof TimeZone>;
export type Currency = z.infer<typeof Currency>;
export type TimeOfDay = z.infer<typeof TimeOfDay>;
