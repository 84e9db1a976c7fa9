import { hash } from 'node:crypto';
import { lifecycleDueAt } from '../lifecycle/apply';
import type { Lifecycle } from '../lifecycle/schema';
import type { Profile } from '../profile/profile';
import { calendarDays, localYear, zonedInstant, type LocalDay } from '../time/zoned';
import { anniversaryDate } from './anniversary';
import type { Calendar } from './compile';
import { customerMatches } from './conditions';
import type { JourneyStart, Trigger } from './entry';
import { executionName } from './entry';
import type { DateEntry, Journey } from './schema';

/**
 * How late a date-triggered journey may still start. A sweep that ran late (or an outage) sends a
 * birthday greeting the same day; one found days later is left out rather than sent as a stale greeting.
 */
export const OCCASION_GRACE_MS = 24 * 3_600_000;

/** One yearly moment of one journey for one customer: e.g. 09:00 local on 15 May, the birthday. */
export interface Occasion {
  journey: Journey;
  /** What the moment is: the attribute name (birthday) or the holiday id. */
  name: string;
  /** The moment the journey names (its `timeOfDay`): the trigger's time and the execution's name. */
  at: Date;
  /** When this customer is due for it: `at` plus their place in the spread (see occasionOffsetMs). */
  dueAt: Date;
}

/**
 * The calendar with its spread cut to whole sweep intervals (none when the interval is not known). A
 * sweep finds a customer only when it runs: spread over less than one interval, customers would be found
 * by the same sweep anyway, only later (a daily sweep at 09:00 would greet the next day); over whole
 * intervals, each sweep takes its share.
 */
export function spreadOverSweeps(calendar: Calendar, sweepEveryMs: number | undefined): Calendar {
  const spread = calendar.occasionSpreadMs ?? 0;
  if (sweepEveryMs === undefined || sweepEveryMs <= 0 || spread <= 0) return calendar;
  return { ...calendar, occasionSpreadMs: Math.floor(spread / sweepEveryMs) * sweepEveryMs };
}

/**
 * Where in `calendar.occasionSpreadMs` after an occasion's moment this customer is due for it, in whole
 * seconds: a stable hash of the customer id (its own, not the due shard's), so that a whole population is
 * not due in the same second, and a customer keeps their place from one sweep and one year to the next.
 */
export function occasionOffsetMs(customerId: string, calendar: Calendar): number {
  const spread = calendar.occasionSpreadMs ?? 0;
  if (spread <= 0) return 0;
  const fraction = hash('sha256', `occasion\u0000${customerId}`, 'buffer').readUInt32BE(0) / 2 ** 32;
  return Math.floor((fraction * spread) / 1000) * 1000;
}

function dateJourneys(journeys: readonly Journey[]): (Journey & { entry: { date: DateEntry } })[] {
  return journeys.filter((j): j is Journey & { entry: { date: DateEntry } } => j.entry.date !== undefined);
}

/**
 * The local days a dated wait or date entry names for this customer, from `year`: the anniversary of a
 * profile date (this year's and next; a built-in date's read in `timeZone`, and none in the year it
 * happened), or the holiday's calendar entries. Shared by `wait: until` steps.
 */
export function namedDays(
  date: { anniversary?: string | undefined; calendar: readonly string[] },
  profile: Profile,
  year: number,
  timeZone: string,
): LocalDay[] {
  if (date.anniversary !== undefined) {
    const found = anniversaryDate(date.anniversary, profile, timeZone);
    if (found === undefined) return [];
    const days = calendarDays(found.value, year, { yearly: true });
    const since = found.since;
    return since === undefined ? days : days.filter((d) => d.year > since);
  }
  return date.calendar.flatMap((entry) => calendarDays(entry, year));
}

/**
 * The moments (epoch ms) of one date entry for this customer in the local years around `around`. They
 * depend only on the calendar, the entry, the zone, the local year and the anniversary's value, and every
 * sweep and profile write asks again: so they are worked out once per such key (a few thousand keys for a
 * population) and kept, bounded, since a simulation runs in one long process.
 */
function moments(date: DateEntry, profile: Profile, calendar: Calendar, around: Date): readonly number[] {
  const timeZone = profile.timeZone ?? calendar.defaultTimeZone;
  const year = localYear(around, timeZone);
  const value =
    date.anniversary === undefined ? undefined : anniversaryDate(date.anniversary, profile, timeZone)?.value;
  const key = `${timeZone}\u0000${year}\u0000${value ?? ''}`;
  const known = momentsKnown(calendar, date);
  let found = known.get(key);
  if (found === undefined) {
    found = momentsOf(date, profile, calendar, timeZone, year);
    if (known.size >= MAX_MOMENTS_PER_ENTRY) known.clear();
    known.set(key, found);
  }
  return found;
}

function momentsOf(
  date: DateEntry,
  profile: Profile,
  calendar: Calendar,
  timeZone: string,
  year: number,
): readonly number[] {
  const entries = [date.holiday ?? []].flat().flatMap((h) => calendar.holidays[h] ?? []);
  const days = [year - 1, year].flatMap((y) =>
    namedDays({ anniversary: date.anniversary, calendar: entries }, profile, y, timeZone),
  );
  const [hour = 0, minute = 0] = date.timeOfDay.split(':').map(Number);
  return days.map((d) => zonedInstant({ ...d, hour, minute }, timeZone).getTime());
}

/** Moments already worked out, per calendar and date entry (both live as long as the loaded workflows). */
const momentsByCalendar = new WeakMap<Calendar, WeakMap<DateEntry, Map<string, readonly number[]>>>();
const MAX_MOMENTS_PER_ENTRY = 50_000;

function momentsKnown(calendar: Calendar, date: DateEntry): Map<string, readonly number[]> {
  let byEntry = momentsByCalendar.get(calendar);
  if (!byEntry) momentsByCalendar.set(calendar, (byEntry = new WeakMap()));
  let known = byEntry.get(date);
  if (!known) byEntry.set(date, (known = new Map()));
  return known;
}

/** Occasions this customer is due for in (after, upTo], earliest first, each once. */
export function occasionsBetween(
  journeys: readonly Journey[],
  profile: Profile,
  calendar: Calendar,
  after: Date,
  upTo: Date,
): Occasion[] {
  const found = new Map<string, Occasion>();
  const offset = occasionOffsetMs(profile.customerId, calendar);
  const [from, to] = [after.getTime() - offset, upTo.getTime() - offset];
  for (const journey of dateJourneys(journeys)) {
    const { date } = journey.entry;
    const name = date.anniversary ?? [date.holiday ?? []].flat().join('+');
    for (const around of [after, upTo]) {
      for (const at of moments(date, profile, calendar, around)) {
        if (at > from && at <= to)
          found.set(`${journey.id}\u0000${at}`, {
            journey,
            name,
            at: new Date(at),
            dueAt: new Date(at + offset),
          });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The earliest due time in (after, upTo] of these journeys, or undefined: `occasionsBetween(...)[0]?.dueAt`. */
function firstOccasion(
  journeys: readonly Journey[],
  profile: Profile,
  calendar: Calendar,
  after: Date,
  upTo: Date,
): Date | undefined {
  const offset = occasionOffsetMs(profile.customerId, calendar);
  const [from, to] = [after.getTime() - offset, upTo.getTime() - offset];
  let first: number | undefined;
  for (const journey of journeys) {
    const { date } = journey.entry;
    if (date === undefined) continue;
    for (const around of [after, upTo])
      for (const at of moments(date, profile, calendar, around))
        if (at > from && at <= to && (first === undefined || at < first)) first = at;
  }
  return first === undefined ? undefined : new Date(first + offset);
}

/**
 * The first occasion after `after` (within about a year) of a journey whose stage and tier conditions the
 * customer meets now, or undefined. Stage and tier change only when ingest or the sweeper writes the
 * profile, and both schedule again then; so a dormant customer costs no sweep on every holiday. The
 * rest of `where` (tags, attributes) is checked on the day.
 */
export function nextOccasion(
  journeys: readonly Journey[],
  profile: Profile,
  calendar: Calendar,
  after: Date,
): Date | undefined {
  const yearLater = new Date(after.getTime() + 400 * 86_400_000);
  const eligible = journeys.filter(({ entry: { where } }) =>
    customerMatches({ stage: where?.stage, tier: where?.tier }, profile),
  );
  return firstOccasion(eligible, profile, calendar, after, yearLater);
}

/**
 * The journeys whose date has come for this customer since the sweeper last looked (at most a day late),
 * and whose `where` holds now. Names are deterministic per journey, customer and date, so a repeated or
 * overlapping sweep starts nothing twice.
 */
export function occasionStarts(
  journeys: readonly Journey[],
  profile: Profile,
  calendar: Calendar,
  now: Date,
): JourneyStart[] {
  const checked = Date.parse(profile.occasionsCheckedAt ?? profile.evaluatedAt);
  const after = new Date(Math.max(checked, now.getTime() - OCCASION_GRACE_MS));
  return occasionsBetween(journeys, profile, calendar, after, now)
    .filter(({ journey }) => wanted(journey, profile))
    .map(({ journey, name, at }) => {
      const trigger: Trigger = {
        eventId: `date:${name}:${at.toISOString()}`,
        type: 'date',
        at: at.toISOString(),
      };
      return {
        journeyId: journey.id,
        executionName: executionName(journey.id, profile.customerId, trigger.eventId),
        input: {
          customerId: profile.customerId,
          journeyId: journey.id,
          journeyVersion: journey.version,
          trigger: { eventId: trigger.eventId, eventType: trigger.type, at: trigger.at, occasion: name },
        },
      };
    });
}

const wanted = (journey: Journey, profile: Profile) =>
  journey.entry.where === undefined || customerMatches(journey.entry.where, profile);

/** An occasion found too late to greet: the journey, the customer and the moment, nothing personal. */
export interface MissedOccasion {
  journeyId: string;
  customerId: string;
  at: string;
}

/**
 * The occasions occasionStarts leaves out because they were found more than OCCASION_GRACE_MS after
 * this customer's due time for them (the sweep fell that far behind, or was not running): each is a
 * greeting that will never go out, to be counted and looked into, never passed over in silence.
 */
export function missedOccasions(
  journeys: readonly Journey[],
  profile: Profile,
  calendar: Calendar,
  now: Date,
): MissedOccasion[] {
  const checked = new Date(profile.occasionsCheckedAt ?? profile.evaluatedAt);
  const lateSince = new Date(now.getTime() - OCCASION_GRACE_MS);
  if (checked >= lateSince) return [];
  return occasionsBetween(journeys, profile, calendar, checked, lateSince)
    .filter(({ journey }) => wanted(journey, profile))
    .map(({ journey, at }) => ({
      journeyId: journey.id,
      customerId: profile.customerId,
      at: at.toISOString(),
    }));
}

/**
 * When the sweeper must next look at this customer: the lifecycle's next threshold, the next date a
 * journey starts on, or the bound of a waiting journey entry (waitingUntil), whichever comes first. Dates after `occasionsCheckedAt` count, so an occasion the
 * sweeper has not handled yet keeps the customer due.
 */
export function nextDue(
  profile: Profile,
  deps: { lifecycle: Lifecycle; journeys: readonly Journey[]; calendar: Calendar },
): string | undefined {
  const lifecycleDue = lifecycleDueAt(profile, deps.lifecycle);
  const checked = new Date(profile.occasionsCheckedAt ?? profile.evaluatedAt);
  const occasion = nextOccasion(deps.journeys, profile, deps.calendar, checked)?.toISOString();
  return earliest(earliest(lifecycleDue, occasion), profile.waitingUntil);
}

/** The earlier of two instants, either possibly absent. */
export function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

/** The profile with its due time set from both the lifecycle and the date-triggered journeys. */
export function scheduled(
  profile: Profile,
  deps: { lifecycle: Lifecycle; journeys: readonly Journey[]; calendar: Calendar },
): Profile {
  const { dueAt: _previous, ...rest } = profile;
  const dueAt = nextDue(profile, deps);
  return dueAt === undefined ? rest : { ...rest, dueAt };
}
