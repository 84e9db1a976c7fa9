/**
 * Wall-clock times in a customer's time zone, with the platform's Intl data and no library: enough to
 * find "next 10:00 in Asia/Shanghai" or "9:00 on the next Spring Festival" as a UTC instant.
 */
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

export function localParts(instant: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
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

/** The UTC instant at which the wall clock in `timeZone` shows these parts (a DST gap resolves forward). */
export function zonedInstant(p: LocalParts, timeZone: string): Date {
  const wanted = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const l = localParts(new Date(guess), timeZone);
    const shown = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute);
    if (shown === wanted) break;
    guess += wanted - shown;
  }
  return new Date(guess);
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
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  });
}

/**
 * Dates from a calendar entry: `2027-02-06` is that one day, unless `yearly` (a birthday); `12-25` is
 * every year. For a yearly date: this year's and next year's; 29 February falls on the 28th in other years.
 */
export function calendarDays(
  entry: string,
  thisYear: number,
  options: { yearly?: boolean } = {},
): LocalDay[] {
  const full = /^(\d{4})-(\d{2})-(\d{2})$/.exec(entry);
  if (full && !options.yearly)
    return [{ year: Number(full[1]), month: Number(full[2]), day: Number(full[3]) }];
  const monthDay = full ? [full[2], full[3]] : /^(\d{2})-(\d{2})$/.exec(entry)?.slice(1);
  if (!monthDay) return [];
  const month = Number(monthDay[0]);
  const day = Number(monthDay[1]);
  return [thisYear, thisYear + 1].map((year) => {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return { year, month, day: Math.min(day, last) };
  });
}
