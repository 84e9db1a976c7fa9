import { Temporal } from 'temporal-polyfill';

/**
 * The instant one calendar year after `from`, on the wall clock in `timeZone`: the same month, day and
 * local time next year. 29 February becomes 28 February (as birthdays do, see calendarDays); every other
 * day keeps its month and day, so a year across a leap day is 366 days and never lands a day early as
 * "365d" would. A local time that a DST change skips or repeats resolves as zonedInstant does.
 */
export function addCalendarYear(from: Date, timeZone: string): Date {
  const zoned = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(timeZone);
  const local = zoned.toPlainDateTime().add({ years: 1 }, { overflow: 'constrain' });
  return new Date(local.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds);
}
