import { lifecycleDueAt } from '../lifecycle/apply';
import type { Lifecycle } from '../lifecycle/schema';
import type { Profile } from '../profile/profile';
import { calendarDays, localParts, zonedInstant, type LocalDay } from '../time/zoned';
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
  at: Date;
}

function dateJourneys(journeys: readonly Journey[]): (Journey & { entry: { date: DateEntry } })[] {
  return journeys.filter((j): j is Journey & { entry: { date: DateEntry } } => j.entry.date !== undefined);
}

/**
 * The local days a dated wait or date entry names for this customer, from `year`: the anniversary of a
 * profile date (this year's and next), or the holiday's calendar entries. Shared by `wait: until` steps.
 */
export function namedDays(
  date: { anniversary?: string | undefined; calendar: readonly string[] },
  profile: Profile,
  year: number,
): LocalDay[] {
  if (date.anniversary !== undefined) {
    const value = profile.attributes?.[date.anniversary];
    return typeof value === 'string' ? calendarDays(value, year, { yearly: true }) : [];
  }
  return date.calendar.flatMap((entry) => calendarDays(entry, year));
}

/** The moments of one date entry for this customer in the local years around `around`. */
function moments(date: DateEntry, profile: Profile, calendar: Calendar, around: Date): Occasion['at'][] {
  const timeZone = profile.timeZone ?? calendar.defaultTimeZone;
  const year = localParts(around, timeZone).year;
  const entries = [date.holiday ?? []].flat().flatMap((h) => calendar.holidays[h] ?? []);
  const days = [year - 1, year].flatMap((y) =>
    namedDays({ anniversary: date.anniversary, calendar: entries }, profile, y),
  );
  const [hour = 0, minute = 0] = date.timeOfDay.split(':').map(Number);
  return days.map((d) => zonedInstant({ ...d, hour, minute }, timeZone));
}

/** Occasions in (after, upTo], earliest first, each once. */
export function occasionsBetween(
  journeys: readonly Journey[],
  profile: Profile,
  calendar: Calendar,
  after: Date,
  upTo: Date,
): Occasion[] {
  const found = new Map<string, Occasion>();
  for (const journey of dateJourneys(journeys)) {
    const { date } = journey.entry;
    const name = date.anniversary ?? [date.holiday ?? []].flat().join('+');
    for (const around of [after, upTo]) {
      for (const at of moments(date, profile, calendar, around)) {
        if (at > after && at <= upTo)
          found.set(`${journey.id}\u0000${at.toISOString()}`, { journey, name, at });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
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
  return occasionsBetween(eligible, profile, calendar, after, yearLater)[0]?.at;
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
    .filter(
      ({ journey }) => journey.entry.where === undefined || customerMatches(journey.entry.where, profile),
    )
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

/**
 * When the sweeper must next look at this customer: the lifecycle's next threshold or the next date a
 * journey starts on, whichever comes first. Dates after `occasionsCheckedAt` count, so an occasion the
 * sweeper has not handled yet keeps the customer due.
 */
export function nextDue(
  profile: Profile,
  deps: { lifecycle: Lifecycle; journeys: readonly Journey[]; calendar: Calendar },
): string | undefined {
  const lifecycleDue = lifecycleDueAt(profile, deps.lifecycle);
  const checked = new Date(profile.occasionsCheckedAt ?? profile.evaluatedAt);
  const occasion = nextOccasion(deps.journeys, profile, deps.calendar, checked)?.toISOString();
  if (lifecycleDue === undefined) return occasion;
  if (occasion === undefined) return lifecycleDue;
  return Date.parse(occasion) < Date.parse(lifecycleDue) ? occasion : lifecycleDue;
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
