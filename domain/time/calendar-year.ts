import { localParts, zonedInstant } from './zoned';

/**
 * The instant one calendar year after `from`, on the wall clock in `timeZone`: the same month, day and
 * local time next year. 29 February becomes 28 February (as birthdays do, see calendarDays); every other
 * day keeps its month and day, so a year across a leap day is 366 days and never lands a day early as
 * "365d" would. A local time that a DST change skips or repeats resolves as zonedInstant does.
 */
export function addCalendarYear(from: Date, timeZone: string): Date {
  const p = localParts(from, timeZone);
  // zonedInstant constrains 29 February to 28 February in a common year. Offsets are whole minutes, so
  // the seconds and milliseconds ride along unchanged.
  const withinMinute = from.getTime() - Math.floor(from.getTime() / 60_000) * 60_000;
  return new Date(zonedInstant({ ...p, year: p.year + 1 }, timeZone).getTime() + withinMinute);
}
