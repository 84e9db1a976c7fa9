import type { Channel } from '../config/ids';
import type { Pacing } from '../config/settings';
import { NeverOpenError } from '../errors';
import { localParts, minuteOfDay, nextWallInstant, offsetOf, utcDay, type LocalParts } from '../time/zoned';
import { quietUntil, type MessageCategory } from './policy';

/** Days as Pinpoint's OpenHours names them, Sunday first as Date#getUTCDay counts. */
export const WEEKDAYS = [
  'SUNDAY',
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
] as const;

/** "2027-01-01" → "2027-01-01T00:00": local date-times then compare as text. */
export const localStamp = (s: string) => (s.length === 10 ? `${s}T00:00` : s);

/** How far ahead the next open instant is sought: past it the configuration is taken never to open. */
export const SEARCH_DAYS = 400;

const pad = (n: number) => String(n).padStart(2, '0');
const stampOf = (p: LocalParts) => `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
const partsOf = (stamp: string): LocalParts => {
  const [year, month, day, hour, minute] = stamp.split(/[-T:]/).map(Number) as [number, ...number[]];
  return { year, month: month!, day: day!, hour: hour!, minute: minute! };
};

type Week = NonNullable<NonNullable<Pacing['openHours']>['email']>;
type Closed = NonNullable<NonNullable<Pacing['closedDays']>['email']>[number];

/** When `now` is outside the week's windows, the next instant one opens; undefined while one is open. */
function openFrom(now: Date, local: LocalParts, timeZone: string, week: Week) {
  const at = local.hour * 60 + local.minute;
  for (let offset = 0; offset <= 7; offset++) {
    const date = new Date(Date.UTC(local.year, local.month - 1, local.day + offset));
    const windows = week[WEEKDAYS[date.getUTCDay()]!] ?? [];
    if (offset === 0 && inWindow(local, week)) return undefined;
    const starts = windows.map((w) => minuteOfDay(w.from)).filter((m) => offset > 0 || m > at);
    if (!starts.length) continue;
    const start = Math.min(...starts);
    const target = { ...utcDay(date), hour: Math.floor(start / 60), minute: start % 60 };
    return nextWallInstant(now, local, target, timeZone);
  }
  throw new NeverOpenError('the open hours list no window on any day');
}

const inWindow = (local: LocalParts, week: Week) => {
  const at = local.hour * 60 + local.minute;
  const day = WEEKDAYS[new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay()]!;
  return (week[day] ?? []).some((w) => minuteOfDay(w.from) <= at && at < minuteOfDay(w.to));
};

const HOUR = 3_600_000;
/** Minutes the zone's wall clock is ahead of UTC at the instant `t` (ms, on a whole minute). */
const offsetAt = (t: number, timeZone: string) => offsetOf(timeZone, t / 60_000);

/**
 * The first instant before `next` at which `holds`, among the wall-clock times a fall-back change repeats
 * (New York's 01:00–02:00 on the first Sunday of November): the rules, searched by wall-clock time going
 * forward, pass by a window that opens a second time there, or quiet hours that end a second time. Only
 * the repeated minutes need a look: elsewhere the wall clock moves forward with time.
 */
function reopenedBefore(
  now: Date,
  next: Date,
  timeZone: string,
  holds: (t: Date) => boolean,
): Date | undefined {
  for (const { change, back } of fallBacks(now.getTime(), next.getTime(), timeZone))
    for (let t = change; t < change + back * 60_000 && t < next.getTime(); t += 60_000)
      if (t > now.getTime() && holds(new Date(t))) return new Date(t);
  return undefined;
}

/**
 * The instants in [from, to) (ms) at which the zone's clock goes back, and by how many minutes. A day at a
 * time first: no zone changes its offset twice within two days (as zonedInstant assumes), so a day whose
 * ends read the same offset has no change, and a deferral months long reads two offsets a day.
 */
function* fallBacks(from: number, to: number, timeZone: string) {
  for (let day = Math.floor(from / HOUR) * HOUR; day < to; day += 24 * HOUR) {
    if (offsetAt(day, timeZone) <= offsetAt(day + 24 * HOUR, timeZone)) continue;
    for (let h = day + HOUR; h <= day + 24 * HOUR; h += HOUR) {
      const back = offsetAt(h - HOUR, timeZone) - offsetAt(h, timeZone);
      if (back <= 0) continue;
      // The change is within this hour: its minute is the first that reads the new offset.
      let change = h - HOUR + 60_000;
      while (offsetAt(change, timeZone) !== offsetAt(h, timeZone)) change += 60_000;
      yield { change, back };
    }
  }
}

/** When `now` is in a closed period, the instant that period ends; undefined otherwise. */
function closedUntil(now: Date, local: LocalParts, timeZone: string, periods: readonly Closed[] = []) {
  const at = stampOf(local);
  const ends = periods
    .filter((p) => localStamp(p.from) <= at && at < localStamp(p.to))
    .map((p) => localStamp(p.to));
  return ends.length ? nextWallInstant(now, local, partsOf(ends.sort().at(-1)!), timeZone) : undefined;
}

export type WindowWait = { until: Date; reason: 'quiet-hours-deferred' | 'send-window-deferred' };

/**
 * Whether a message on `channel` waits, and until when: outside quiet hours, inside the channel's open
 * hours and outside its closed periods, all on the customer's wall clock. Each rule gives the earliest
 * instant it holds from a time; moving to the latest of them until none moves finds the earliest instant
 * all hold. Transactional messages wait only where quiet hours say `transactional: defer`.
 */
export function sendWindowWait(
  now: Date,
  timeZone: string,
  pacing: Pick<Pacing, 'quietHours' | 'openHours' | 'closedDays'>,
  channel: Channel,
  category: MessageCategory,
): WindowWait | undefined {
  const quiet = pacing.quietHours;
  if (category === 'transactional' && quiet?.transactional !== 'defer') return undefined;
  const week = pacing.openHours?.[channel];
  const closed = pacing.closedDays?.[channel];
  const limit = now.getTime() + SEARCH_DAYS * 86_400_000;
  let t = now;
  for (;;) {
    const local = localParts(t, timeZone);
    const next =
      (quiet && quietUntil(t, timeZone, quiet)) ??
      (week && openFrom(t, local, timeZone, week)) ??
      closedUntil(t, local, timeZone, closed);
    if (!next) break;
    if (next.getTime() > limit)
      throw new NeverOpenError(
        `${channel} never opens within ${SEARCH_DAYS} days of ${now.toISOString()} in ${timeZone} (quiet hours, open hours and closed days together)`,
      );
    t = next;
  }
  if (t === now) return undefined;
  const holds = (at: Date) => {
    const local = localParts(at, timeZone);
    if (quiet && quietUntil(at, timeZone, quiet)) return false;
    return !(week && !inWindow(local, week)) && !closedUntil(at, local, timeZone, closed);
  };
  t = reopenedBefore(now, t, timeZone, holds) ?? t;
  const quietNow = quiet && quietUntil(now, timeZone, quiet);
  return { until: t, reason: quietNow ? 'quiet-hours-deferred' : 'send-window-deferred' };
}
