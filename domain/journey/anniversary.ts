import * as z from '../zod';
import { expect } from '../config/problems';
import type { Profile } from '../profile/profile';
import { localParts } from '../time/zoned';

/**
 * The dates Rapport itself keeps on every profile that an `anniversary` may name, besides the customer's
 * attributes. Each is business time: when the thing happened (a purchase event's own `at`), never when
 * Rapport processed or ingested it, so a purchase back-filled months later keeps its real anniversary.
 */
export const PROFILE_DATES = {
  /** The earliest purchase by business time, whatever order the events arrived in. */
  firstPurchaseAt: (p: Profile) => p.firstPurchase?.at,
  /** The latest purchase by business time. */
  lastPurchaseAt: (p: Profile) => p.lastPurchaseAt,
} as const satisfies Record<string, (p: Profile) => string | undefined>;
export type ProfileDateName = keyof typeof PROFILE_DATES;
export const PROFILE_DATE_NAMES = Object.keys(PROFILE_DATES) as ProfileDateName[];

/**
 * Profile times that are processing time (when Rapport stored, evaluated or swept the customer): an
 * anniversary of one would move with every back-fill or replay, so naming one is refused rather than
 * silently read as a (missing) attribute.
 */
const PROCESSING_TIMES = [
  'createdAt',
  'updatedAt',
  'evaluatedAt',
  'dueAt',
  'occasionsCheckedAt',
  'waitingUntil',
];

const isProfileDate = (name: string): name is ProfileDateName => Object.hasOwn(PROFILE_DATES, name);

/** A profile date an `anniversary` names; each use describes it for the generated JSON Schema. */
export const AnniversaryName = z.string().check(
  z.regex(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
    expect(
      `a profile date: ${PROFILE_DATE_NAMES.join(', ')}, or the name of a profile attribute holding a date, e.g. "birthday"`,
    ),
  ),
  z.refine(
    (name) => !PROCESSING_TIMES.includes(name),
    expect(
      `a business date: ${PROFILE_DATE_NAMES.join(', ')} or an attribute (createdAt, updatedAt, evaluatedAt, dueAt and occasionsCheckedAt are when Rapport processed the customer, not dates in their life)`,
    ),
  ),
  z.refine(
    (name) => isProfileDate(name) || !PROFILE_DATE_NAMES.some((d) => d.toLowerCase() === name.toLowerCase()),
    expect(`a built-in profile date spelt exactly: ${PROFILE_DATE_NAMES.join(', ')}`),
  ),
);

/** The date an anniversary counts from, as the calendar entry calendarDays reads, and its own year. */
export interface AnniversaryDate {
  /** YYYY-MM-DD or MM-DD. */
  value: string;
  /** For a built-in date, the local year it happened in: its anniversaries come after that year. */
  since?: number;
}

/**
 * The date `name` holds for this customer: a built-in profile date read as the local day in `timeZone`
 * (a purchase at 23:30 in Shanghai is on that Shanghai day, whatever the UTC date), else the attribute.
 */
export function anniversaryDate(
  name: string,
  profile: Profile,
  timeZone: string,
): AnniversaryDate | undefined {
  if (isProfileDate(name)) {
    const at = PROFILE_DATES[name](profile);
    if (at === undefined) return undefined;
    const d = localParts(new Date(at), timeZone);
    const pad = (n: number) => String(n).padStart(2, '0');
    return { value: `${d.year}-${pad(d.month)}-${pad(d.day)}`, since: d.year };
  }
  const value = profile.attributes?.[name];
  return typeof value === 'string' ? { value } : undefined;
}
