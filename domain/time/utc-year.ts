// Apart from calendar-year.ts: no time zone, so the lifecycle's rules (every handler that classifies) stay light.
/**
 * addCalendarYear in UTC, on epoch milliseconds and without a time zone: for spans measured from a stored
 * business date by rules that hold for every customer alike (lifecycle windows, goals, experiments), read
 * on every evaluation. The same UTC month, day and time a year on; 29 February becomes 28 February.
 */
export function addUtcCalendarYear(from: number): number {
  const d = new Date(from);
  const year = d.getUTCFullYear() + 1;
  const month = d.getUTCMonth();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  const end = new Date(from);
  end.setUTCFullYear(year, month, day);
  return end.getTime();
}
