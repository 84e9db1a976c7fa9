/**
 * The times a history file may give, read as instants. An offset says the instant; a date or a local time
 * is read in the customer's time zone (a date at noon, which no DST change skips or repeats).
 */
import { zonedInstant } from '../../time/zoned';
import { remembered } from '../../time/memo';

export const TIME_EXPECTED =
  'an ISO 8601 time with an offset ("2026-11-22T10:00:00+08:00" or "…Z"), a local time in the ' +
  'customer\'s time zone ("2026-11-22T10:00" or "2026-11-22 10:00:00"), or a date ("2026-11-22" or ' +
  '"20261122", taken at noon)';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$|^(\d{4})(\d{2})(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

// Dates are the common case (CDNOW has 546 of them for 69,659 lines): resolving a local time reads the
// zone two to four times, enough per call to matter at millions of lines, so each (zone, date) is
// resolved once.
const noonIn = remembered(
  ({ w, timeZone }: { w: WallTime; timeZone: string }) =>
    zonedInstant({ ...w, hour: 12, minute: 0 }, timeZone).getTime(),
  ({ w, timeZone }) => `${timeZone}|${w.year}-${w.month}-${w.day}`,
);

/** 29 February of a year with none becomes 28 February (a shift by whole years rarely meets one). */
function shifted(w: WallTime, years: number): WallTime {
  if (years === 0) return w;
  const year = w.year + years;
  const day = w.month === 2 && w.day === 29 && !isLeap(year) ? 28 : w.day;
  return { ...w, year, day };
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function isValidWallTime(w: WallTime): boolean {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
  return (
    w.year >= 1000 &&
    d.getUTCMonth() === w.month - 1 &&
    d.getUTCDate() === w.day &&
    d.getUTCHours() === w.hour &&
    d.getUTCMinutes() === w.minute &&
    d.getUTCSeconds() === w.second
  );
}

function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return offset.startsWith('-') ? -minutes : minutes;
}

/**
 * The instant (epoch ms) a history time denotes, or undefined when it is none of the accepted forms (or
 * names no real date: "2026-02-30"). `shiftYears` moves the wall time before it is placed in time.
 */
export function historyInstant(text: string, timeZone: string, shiftYears = 0): number | undefined {
  const date = DATE.exec(text);
  if (date) {
    const [y, m, d] = date[1] ? [date[1], date[2], date[3]] : [date[4], date[5], date[6]];
    const w = { year: Number(y), month: Number(m), day: Number(d), hour: 12, minute: 0, second: 0, ms: 0 };
    return isValidWallTime(w) ? noonIn({ w: shifted(w, shiftYears), timeZone }) : undefined;
  }
  const dt = DATE_TIME.exec(text);
  if (!dt) return undefined;
  const w: WallTime = {
    year: Number(dt[1]),
    month: Number(dt[2]),
    day: Number(dt[3]),
    hour: Number(dt[4]),
    minute: Number(dt[5]),
    second: Number(dt[6] ?? 0),
    ms: Math.floor(Number(`0.${dt[7] ?? '0'}`) * 1000),
  };
  if (!isValidWallTime(w)) return undefined;
  const s = shifted(w, shiftYears);
  const offset = dt[8];
  if (offset !== undefined) {
    const minutes = offsetMinutes(offset);
    if (Math.abs(minutes) > 18 * 60) return undefined;
    return Date.UTC(s.year, s.month - 1, s.day, s.hour, s.minute, s.second, s.ms) - minutes * 60_000;
  }
  return zonedInstant(s, timeZone).getTime() + s.second * 1000 + s.ms;
}

/**
 * The instant of a daytime wall-clock time (06:00–23:59) in `timeZone`, through the zone's offset at noon
 * that day: the shipped zones change their clocks at night, so daytimes share noon's offset, and the
 * cached noon spares resolving each time (the population generator places millions of purchases).
 */
export function daytimeInstant(
  day: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const w = { ...day, hour: 12, minute: 0, second: 0, ms: 0 };
  const noonOffset = Date.UTC(day.year, day.month - 1, day.day, 12) - noonIn({ w, timeZone });
  return Date.UTC(day.year, day.month - 1, day.day, hour, minute) - noonOffset;
}

/**
 * The calendar day in `timeZone` at an instant, through that day's noon offset (cached): about 20 times
 * faster than reading the zone's clock with Intl. Within an hour of a night-time DST change it may name
 * the neighbouring day, which the generator's daytime purchases never meet.
 */
export function localDay(instant: number, timeZone: string): { year: number; month: number; day: number } {
  const utc = new Date(instant);
  const w = {
    year: utc.getUTCFullYear(),
    month: utc.getUTCMonth() + 1,
    day: utc.getUTCDate(),
    hour: 12,
    minute: 0,
    second: 0,
    ms: 0,
  };
  const offset = Date.UTC(w.year, w.month - 1, w.day, 12) - noonIn({ w, timeZone });
  const local = new Date(instant + offset);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}
