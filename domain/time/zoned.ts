/**
 * Wall-clock times in a customer's time zone: enough to find "next 10:00 in Asia/Shanghai" or "9:00 on
 * the next Spring Festival" as a UTC instant. Instants are read with a cached Intl formatter; a local time
 * becomes an instant by the Temporal specification's own algorithm (GetPossibleEpochNanoseconds and
 * DisambiguatePossibleEpochNanoseconds, 'compatible') on those readings. Not by guess-and-correct: such a
 * loop moved gap times east of UTC backwards (London 01:30 → 00:30). And not through `temporal-polyfill`,
 * which was 54 KB of every Lambda bundle and ~6 ms of each cold start; it stays a devDependency, the
 * reference a property test compares these functions with (tests/property/zoned-temporal.property.test.ts).
 */
import { remembered } from './memo';
import { daysInMonth, onCalendar } from './utc-year';

export interface LocalDay {
  year: number;
  month: number;
  day: number;
}

export interface LocalParts extends LocalDay {
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The wall-clock time in `timeZone` at an instant. Reading an instant is never ambiguous, so a cached
 * Intl formatter does it (about 7 times faster here than the polyfill's ZonedDateTime); and since a zone's
 * offset changes a few times a year, the formatter is asked for the offset of each UTC hour (its first
 * and last minute) rather than for every minute: a population's events and sends fall on as many minutes
 * as there are customers, but on few hours.
 */
export function localParts(instant: Date, timeZone: string): LocalParts {
  // Every offset in use since 1970 is whole minutes, so the minute decides the wall-clock reading.
  const minute = Math.floor(instant.getTime() / 60_000);
  const offset = hourOffset(timeZone, Math.floor(minute / 60));
  if (offset === undefined) return reading(timeZone, minute);
  const wall = new Date((minute + offset) * 60_000);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
  };
}

/** The zone's offset in minutes at this minute (UTC), from the hourly cache when the hour has one. */
export function offsetOf(timeZone: string, minute: number): number {
  return hourOffset(timeZone, Math.floor(minute / 60)) ?? offsetAt(timeZone, minute);
}

/**
 * The year on the wall clock in `timeZone` at an instant. No zone is a whole day away from UTC, so only
 * on 31 December and 1 January (UTC) can the local year differ from the UTC one: the zone is read then.
 */
export function localYear(instant: Date, timeZone: string): number {
  const month = instant.getUTCMonth();
  const day = instant.getUTCDate();
  const nearNewYear = (month === 0 && day === 1) || (month === 11 && day === 31);
  if (nearNewYear || Number.isNaN(month)) return localParts(instant, timeZone).year;
  formatter(timeZone); // an unknown zone is refused here as localParts refuses it
  return instant.getUTCFullYear();
}

/**
 * The zone's offset in minutes throughout this UTC hour, or undefined when it changes within the hour.
 * No zone changes its offset twice within an hour, so the same offset at the hour's first and last
 * minute holds for the whole hour.
 */
function hourOffset(timeZone: string, hour: number): number | undefined {
  let byHour = offsets.get(timeZone);
  if (!byHour) offsets.set(timeZone, (byHour = new Map()));
  let offset = byHour.get(hour);
  if (offset === undefined) {
    const first = offsetAt(timeZone, hour * 60);
    offset = first === offsetAt(timeZone, hour * 60 + 59) ? first : null;
    if (byHour.size >= MAX_HOURS_PER_ZONE) byHour.clear();
    byHour.set(hour, offset);
  }
  return offset ?? undefined;
}

/** Offsets already read, by zone and UTC hour (null: the offset changes within that hour). */
const offsets = new Map<string, Map<number, number | null>>();
const MAX_HOURS_PER_ZONE = 100_000;

function offsetAt(timeZone: string, minute: number): number {
  const p = reading(timeZone, minute);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) / 60_000 - minute;
}

/** The wall clock at this minute, as the Intl formatter reads it (exported as the tests' reference). */
export function reading(timeZone: string, minute: number): LocalParts {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(minute * 60_000))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows these parts, resolved as a person would
 * (Temporal's "compatible"): a time a spring-forward gap skips moves forward by the gap's length (London
 * 01:30 on the last Sunday of March is 02:30 BST); a time an autumn overlap repeats is its earlier instant.
 */
export function zonedInstant(p: LocalParts, timeZone: string): Date {
  return new Date(resolved({ p, timeZone }));
}

/**
 * Local times already resolved: a population asks for the same few (a holiday's morning, the end of quiet
 * hours) in the same few zones over and over; each resolution reads the zone two to four times.
 */
const resolved = remembered(
  ({ p, timeZone }: { p: LocalParts; timeZone: string }) => wallInstant(wallMinuteOf(p), timeZone) * 60_000,
  ({ p, timeZone }) => `${timeZone} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`,
);

/**
 * The local minute (counted as if the zone were UTC) of these parts, each out-of-range field brought to
 * its nearest valid value as Temporal's `overflow: 'constrain'` does (a yearly 29 February is the 28th in
 * other years); as there, a month or day below 1 is no date at all. Callers pass calendar days only
 * (calendarDays drops any other).
 */
function wallMinuteOf(p: LocalParts): number {
  if (p.month < 1 || p.day < 1) throw new RangeError(`no local date has month ${p.month}, day ${p.day}`);
  const clamp = (n: number, hi: number) => Math.min(Math.max(n, 0), hi);
  const month = Math.min(p.month, 12);
  const day = Math.min(p.day, daysInMonth(p.year, month));
  const hour = clamp(p.hour, 23);
  const minute = clamp(p.minute, 59);
  return Date.UTC(p.year, month - 1, day, hour, minute) / 60_000;
}

/**
 * The instant (epoch minutes) at which the zone's clock reads `wall` (a local minute counted as if the
 * zone were UTC), by the Temporal specification: the candidates are `wall` less the offset a day before
 * and less the offset a day after (no zone changes its offset twice within two days), each kept only if
 * the zone really has that offset then (GetPossibleEpochNanoseconds; the same offset on both sides is the
 * one candidate). Two candidates (an overlap): the earlier; none (a gap): 'compatible' moves the wall time
 * forward by the gap, offsetAfter − offsetBefore, and resolves that, which is `wall − offsetBefore`
 * (DisambiguatePossibleEpochNanoseconds).
 */
function wallInstant(wall: number, timeZone: string): number {
  const before = offsetOf(timeZone, wall - 1440);
  const after = offsetOf(timeZone, wall + 1440);
  if (before === after) return wall - before; // no change within a day either side: the usual case
  const candidates = [wall - before, wall - after].filter((m) => offsetOf(timeZone, m) === wall - m);
  return candidates.length ? Math.min(...candidates) : wall - before;
}

/** Minutes since local midnight of "HH:MM" (also "24:00", the end of a day). */
export const minuteOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The calendar day of a Date read in UTC (a local date computed with Date.UTC arithmetic). */
export const utcDay = (d: Date): LocalDay => ({
  year: d.getUTCFullYear(),
  month: d.getUTCMonth() + 1,
  day: d.getUTCDate(),
});

/**
 * The first instant after `now` at which the wall clock in `timeZone` reads `target` or later, a local
 * time after `local` (the reading at `now`). A time a spring-forward change skips is passed at the change
 * itself (London 01:30 on the last Sunday of March: 02:00 BST), where zonedInstant, resolving as a person
 * would, moves it on by the gap (02:30 BST), past the start of a window that opens then. zonedInstant takes
 * the earlier of a repeated time: once that has passed, the later one is `now` plus the wall-clock minutes.
 */
export function nextWallInstant(now: Date, local: LocalParts, target: LocalParts, timeZone: string): Date {
  const wall = (p: LocalParts) => Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) / 60_000;
  const minute = Math.floor(now.getTime() / 60_000);
  const at = zonedInstant(target, timeZone).getTime() / 60_000;
  if (at * 60_000 <= now.getTime()) return new Date((minute + wall(target) - wall(local)) * 60_000);
  const reads = (m: number) => wall(localParts(new Date(m * 60_000), timeZone)) >= wall(target);
  if (!reads(at - 1)) return new Date(at * 60_000); // not in a gap: the usual case
  // Within the gap's few hours before `at` the wall clock only moves forward: the first minute reading
  // `target` or later is found by bisection.
  let lo = Math.max(minute + 1, at - 180);
  let hi = at;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (reads(mid)) hi = mid;
    else lo = mid + 1;
  }
  return new Date(hi * 60_000);
}

function parseTimeOfDay(hhmm: string): { hour: number; minute: number } {
  const [hour, minute] = hhmm.split(':').map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
}

/** The first instant strictly after `now` at `timeOfDay`, local time, on one of the candidate days. */
export function nextLocal(
  now: Date,
  timeZone: string,
  timeOfDay: string,
  days: Iterable<LocalDay>,
): Date | undefined {
  const { hour, minute } = parseTimeOfDay(timeOfDay);
  let best: Date | undefined;
  for (const d of days) {
    const at = zonedInstant({ ...d, hour, minute }, timeZone);
    if (at.getTime() > now.getTime() && (!best || at < best)) best = at;
  }
  return best;
}

/** Today and the following days in the customer's time zone. */
export function localDaysFrom(now: Date, timeZone: string, count: number): LocalDay[] {
  const today = localParts(now, timeZone);
  return Array.from({ length: count }, (_, i) =>
    utcDay(new Date(Date.UTC(today.year, today.month - 1, today.day + i))),
  );
}

/**
 * Dates from a calendar entry (none from a date the calendar lacks): `2027-02-06` is that one day, unless `yearly` (a birthday); `12-25` is
 * every year. For a yearly date: this year's and next year's; 29 February falls on the 28th in other years.
 */
export function calendarDays(
  entry: string,
  thisYear: number,
  options: { yearly?: boolean } = {},
): LocalDay[] {
  const full = /^(\d{4})-(\d{2})-(\d{2})$/.exec(entry);
  if (full && !options.yearly) {
    const [year, month, day] = [Number(full[1]), Number(full[2]), Number(full[3])];
    return onCalendar(month, day, year) ? [{ year, month, day }] : [];
  }
  const monthDay = full ? [full[2], full[3]] : /^(\d{2})-(\d{2})$/.exec(entry)?.slice(1);
  if (!monthDay) return [];
  const month = Number(monthDay[0]);
  const day = Number(monthDay[1]);
  // A date no calendar has (a customer's birthday "1990-00-15" or "1990-04-31") is no occasion at all.
  if (!onCalendar(month, day)) return [];
  return [thisYear, thisYear + 1].map((year) => ({
    year,
    month,
    day: Math.min(day, daysInMonth(year, month)),
  }));
}
