import { durationSeconds } from '../config/duration';
import type { Profile } from '../profile/profile';
import { localDaysFrom, localParts, nextLocal, type LocalDay } from '../time/zoned';
import type { Calendar } from './compile/resources';
import { namedDays } from './occasions';
import type { WaitUntil } from './step-inputs';
import { MAX_WAIT_UNTIL_SECONDS } from './steps';

/** What a wait-until step needs besides the customer: the step's `until`, its holidays' dates, the default zone. */
export interface UntilDefinition {
  until: WaitUntil;
  /** The dates of the step's holidays (YYYY-MM-DD), from the calendar the journey was compiled with. */
  calendar: string[];
  defaultTimeZone: string;
}

/** The instant a wait-until step waits for; `found: false` when there is none (the wait then ends at once). */
export interface ScheduledAt {
  at: string;
  found: boolean;
}

/** A wait-until step's definition as it travels in the ASL: only its own holidays' dates are embedded. */
export function untilDefinition(until: WaitUntil, calendar: Calendar): UntilDefinition {
  return {
    until,
    calendar: [until.holiday ?? []].flat().flatMap((h) => calendar.holidays[h] ?? []),
    defaultTimeZone: calendar.defaultTimeZone,
  };
}

/**
 * The next instant, in the customer's own time zone, that a wait-until step names. The `schedule` action
 * computes it when an execution reaches the step; the starter, for a journey that begins with one (see
 * fusion.ts), at the start: the same function at the same instant.
 */
export function nextUntil(definition: UntilDefinition, profile: Profile, now: Date): ScheduledAt {
  const { until } = definition;
  const timeZone = profile.timeZone ?? definition.defaultTimeZone;
  const year = localParts(now, timeZone).year;
  const days: LocalDay[] =
    until.holiday || until.anniversary
      ? namedDays({ anniversary: until.anniversary, calendar: definition.calendar }, profile, year, timeZone)
      : localDaysFrom(now, timeZone, 2);
  const at = nextLocal(now, timeZone, until.timeOfDay, days);
  // A Standard execution lasts a year at most, and other steps take time too: a date more than 350 days
  // away (or beyond the step's own `within`), or none, ends the wait now.
  const limit = Math.min(
    MAX_WAIT_UNTIL_SECONDS * 1000,
    until.within ? durationSeconds(until.within) * 1000 : Infinity,
  );
  const withinAYear = at && at.getTime() - now.getTime() <= limit;
  return withinAYear ? { at: at.toISOString(), found: true } : { at: now.toISOString(), found: false };
}
