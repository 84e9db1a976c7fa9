// Apart from calendar-year.ts: no time zone, so the lifecycle's rules (every handler that classifies) stay light.

/** The number of days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Whether a month and day name a day of the calendar: of `year`, or, without one, of some year (so
 * 29 February is a day, 30 February and 31 April are none).
 */
export function onCalendar(month: number, day: number, year = 2000): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Whether a date written "2027-02-06" (of that year) or "02-29" (of some year), maybe a time after it, names a day. */
export function namesCalendarDay(text: string): boolean {
  const date = /^(?:(\d{4})-)?(\d{2})-(\d{2})/.exec(text);
  if (!date) return false;
  return onCalendar(Number(date[2]), Number(date[3]), date[1] === undefined ? undefined : Number(date[1]));
}

/** What a date the calendar lacks was expected to be, for validation's problems. */
export const CALENDAR_DAY =
  'a day that month has (February has 28 days, or 29 in a leap year; April, June, September and November 30)';
/**
 * addCalendarYear in UTC, on epoch milliseconds and without a time zone: for spans measured from a stored
 * business date by rules that hold for every customer alike (lifecycle windows, goals, experiments), read
 * on every evaluation. The same UTC month, day and time a year on; 29 February becomes 28 February.
 */
export function addUtcCalendarYear(from: number): number {
  const d = new Date(from);
  const year = d.getUTCFullYear() + 1;
  const month = d.getUTCMonth();
  const lastDay = daysInMonth(year, month + 1);
  const day = Math.min(d.getUTCDate(), lastDay);
  const end = new Date(from);
  end.setUTCFullYear(year, month, day);
  return end.getTime();
}
