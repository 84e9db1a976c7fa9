import fc from 'fast-check';
import { Pacing } from '../../domain/config/settings';
import { localStamp, sendWindowWait, WEEKDAYS } from '../../domain/messages/send-window';
import { localParts, minuteOfDay } from '../../domain/time/zoned';

const ZONES = [
  'UTC',
  'Asia/Shanghai',
  'Europe/London',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
];
const STEP = 15; // minutes: every generated boundary and every zone's offset and DST change fall on it
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

const window = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 4, max: 12 })), // often 01:00–03:00, as DST changes
    fc.integer({ min: 1, max: 40 }),
  )
  .map(([start, length]) => ({ from: hhmm(start * STEP), to: hhmm(Math.min(96, start + length) * STEP) }));
const week = fc.dictionary(fc.constantFrom(...WEEKDAYS), fc.array(window, { maxLength: 3 }), { minKeys: 1 });
const DAY = 86_400_000;
/** From 2026 to 2028, on the 15-minute grid. */
const start = Date.UTC(2026, 0, 1);
const closed = fc
  .tuple(fc.integer({ min: 0, max: 3 * 365 * 96 }), fc.integer({ min: 1, max: 4 * 96 }))
  .map(([at, length]) => {
    const stamp = (q: number) => new Date(start + q * STEP * 60_000).toISOString().slice(0, 16);
    return { name: 'closed', from: stamp(at), to: stamp(at + length) };
  });
const quiet = fc.option(
  fc
    .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 0, max: 95 }))
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => ({ from: hhmm(a * STEP), to: hhmm(b * STEP) })),
  { nil: undefined },
);
const pacing = fc
  .record({
    quietHours: quiet,
    openHours: fc.option(week, { nil: undefined }),
    closedDays: fc.array(closed, { maxLength: 4 }),
  })
  .map(({ quietHours, openHours, closedDays }) => ({
    ...(quietHours ? { quietHours } : {}),
    ...(openHours ? { openHours: { email: openHours } } : {}),
    closedDays: { email: closedDays },
  }))
  .filter((p) => Pacing.safeParse(p).success)
  .map((p) => Pacing.parse(p));
/** DST changes of the zones above in 2026, each with its zone: a local hour skipped or repeated. */
const CHANGES = [
  ['2026-03-08T07:00Z', 'America/New_York'],
  ['2026-03-29T01:00Z', 'Europe/London'],
  ['2026-04-04T16:00Z', 'Australia/Sydney'],
  ['2026-10-03T16:00Z', 'Australia/Sydney'],
  ['2026-10-25T01:00Z', 'Europe/London'],
  ['2026-11-01T06:00Z', 'America/New_York'],
] as const;
const anyTime = fc.tuple(
  fc.integer({ min: start / 60_000, max: (start + 3 * 365 * DAY) / 60_000 }).map((m) => new Date(m * 60_000)),
  fc.constantFrom(...ZONES),
);
// Half the runs start within a day before a change in its zone, so that the answer often lies across it.
const nearChange = fc
  .tuple(fc.constantFrom(...CHANGES), fc.integer({ min: 0, max: 24 * 60 }))
  .map(([[change, zone], before]) => [new Date(Date.parse(change) - before * 60_000), zone] as const);
const nowAndZone = fc.oneof(anyTime, nearChange);

/** The rules read directly off the customer's wall clock: the reference the search is checked against. */
function isOpen(t: Date, zone: string, p: Pacing): boolean {
  const local = localParts(t, zone);
  const at = local.hour * 60 + local.minute;
  const q = p.quietHours;
  if (q) {
    const [from, to] = [minuteOfDay(q.from), minuteOfDay(q.to)];
    if (from < to ? at >= from && at < to : at >= from || at < to) return false;
  }
  const day = WEEKDAYS[new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay()]!;
  const windows = p.openHours?.email && (p.openHours.email[day] ?? []);
  if (windows && !windows.some((w) => minuteOfDay(w.from) <= at && at < minuteOfDay(w.to))) return false;
  const stamp = new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute))
    .toISOString()
    .slice(0, 16);
  return !(p.closedDays?.email ?? []).some((c) => localStamp(c.from) <= stamp && stamp < localStamp(c.to));
}

describe('the next open instant of a channel', () => {
  it('is open, and no instant between now and it is (15-minute steps)', () => {
    fc.assert(
      fc.property(nowAndZone, pacing, ([from, zone], p) => {
        // Validation refused every week quiet hours cover whole; closed periods here are short: it opens.
        const wait = sendWindowWait(from, zone, p, 'email', 'marketing');
        const until = wait?.until ?? from;
        expect(isOpen(until, zone, p)).toBe(true);
        if (!wait) return;
        expect(until.getTime()).toBeGreaterThan(from.getTime());
        expect(isOpen(from, zone, p)).toBe(false);
        for (let t = from.getTime() + STEP * 60_000; t < until.getTime(); t += STEP * 60_000)
          expect({ at: new Date(t).toISOString(), open: isOpen(new Date(t), zone, p) }).toEqual({
            at: new Date(t).toISOString(),
            open: false,
          });
      }),
      { numRuns: 120 },
    );
  });
});

// Found by the property above: a fall-back change repeats an hour of wall-clock time, and what opens in it
// opens a second time.
describe('the hour a fall-back change repeats', () => {
  const pacingOf = (p: object) => Pacing.parse({ caps: [], ...p });
  it('a window in it opens again: New York 01:00–01:15 on the first Sunday of November, at 01:00 EST', () => {
    const p = pacingOf({ openHours: { email: { SUNDAY: [{ from: '01:00', to: '01:15' }] } } });
    // 01:59 EDT: the window has passed once; 01:00 EST comes a minute later.
    const wait = sendWindowWait(
      new Date('2026-11-01T05:59:00Z'),
      'America/New_York',
      p,
      'email',
      'marketing',
    );
    expect(wait?.until.toISOString()).toBe('2026-11-01T06:00:00.000Z');
  });

  it('quiet hours end again in it: London 01:15–00:00, at 01:00 GMT on the last Sunday of October', () => {
    const p = pacingOf({ quietHours: { from: '01:15', to: '00:00' } });
    // 01:59 BST is quiet; 01:00 GMT, a minute later, is before 01:15 again.
    const wait = sendWindowWait(new Date('2026-10-25T00:59:00Z'), 'Europe/London', p, 'email', 'marketing');
    expect(wait).toEqual({ until: new Date('2026-10-25T01:00:00Z'), reason: 'quiet-hours-deferred' });
  });
});
