/**
 * domain/time/zoned.ts resolves local times by the Temporal specification's algorithm on Intl readings,
 * without the polyfill (bundle size): the polyfill, a devDependency, is the reference here. Local times
 * are drawn around each zone's offset changes from 1990 to 2040 (gaps and overlaps, found with the
 * polyfill's own getTimeZoneTransition) as well as anywhere in those years.
 */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { addCalendarYear } from '../../domain/time/calendar-year';
import { localDaysFrom, zonedInstant, type LocalParts } from '../../domain/time/zoned';

const ZONES = [
  'Europe/London',
  'America/New_York',
  'America/Sao_Paulo', // DST changes at midnight: a day may begin at 01:00
  'Australia/Lord_Howe', // a 30-minute DST change
  'Asia/Shanghai',
  'Asia/Kolkata',
  'Pacific/Apia', // skipped 30 December 2011 whole
  'America/St_Johns',
  'Africa/Casablanca', // clocks back for Ramadan, forward after
  'UTC',
];
const FROM = Date.UTC(1990, 0, 1);
const TO = Date.UTC(2040, 0, 1);
const MINUTE = 60_000;

/** Each zone's offset changes between 1990 and 2040: the instant, and the offsets (ms) before and after. */
function transitions(timeZone: string): { at: number; before: number; after: number }[] {
  const found = [];
  let z = Temporal.Instant.fromEpochMilliseconds(FROM).toZonedDateTimeISO(timeZone);
  for (;;) {
    const next = z.getTimeZoneTransition('next');
    if (!next || next.epochMilliseconds >= TO) return found;
    const before = next.subtract({ nanoseconds: 1 }).offsetNanoseconds / 1e6;
    found.push({ at: next.epochMilliseconds, before, after: next.offsetNanoseconds / 1e6 });
    z = next;
  }
}
const CHANGES = new Map(ZONES.map((zone) => [zone, transitions(zone)]));

const partsOf = (wall: number): LocalParts => {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
};

/** A wall-clock minute (as if UTC) within three hours of one of the zone's changes, on either side. */
const nearChange = (zone: string) => {
  const changes = CHANGES.get(zone)!;
  return fc
    .tuple(
      fc.nat({ max: Math.max(changes.length - 1, 0) }),
      fc.boolean(),
      fc.integer({ min: -180, max: 180 }),
    )
    .map(([i, after, minutes]) => {
      const c = changes[i];
      if (!c) return FROM + minutes * MINUTE; // a zone without changes (UTC, Asia/Shanghai since 1991)
      return c.at + (after ? c.after : c.before) + minutes * MINUTE;
    });
};
const anyMinute = fc.integer({ min: FROM / MINUTE, max: TO / MINUTE }).map((m) => m * MINUTE);
const zonedWall = fc
  .constantFrom(...ZONES)
  .chain((zone) => fc.tuple(fc.constant(zone), fc.oneof(nearChange(zone), anyMinute)));

const reference = (p: LocalParts, timeZone: string) =>
  Temporal.ZonedDateTime.from({ timeZone, ...p }, { disambiguation: 'compatible', overflow: 'constrain' })
    .epochMilliseconds;

describe('local time → instant, as the Temporal polyfill resolves it', () => {
  it('has changes to draw from in every zone that had them', () => {
    expect(CHANGES.get('Europe/London')!.length).toBe(100);
    expect(CHANGES.get('Pacific/Apia')!.some((c) => c.after - c.before === 86_400_000)).toBe(true);
    expect(CHANGES.get('Australia/Lord_Howe')!.some((c) => c.after - c.before === 30 * MINUTE)).toBe(true);
  });

  it("gives the polyfill's instant ('compatible') near offset changes and anywhere in 1990–2040", () => {
    fc.assert(
      fc.property(zonedWall, ([zone, wall]) => {
        const p = partsOf(wall);
        expect(zonedInstant(p, zone).getTime()).toBe(reference(p, zone));
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same instants at every change: just before, at the start, middle and end of, and just after the gap or overlap', () => {
    const differing = [];
    for (const [zone, changes] of CHANGES)
      for (const { at, before, after } of changes) {
        const [lo, hi] = [at + Math.min(before, after), at + Math.max(before, after)];
        const middle = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
        for (const wall of [lo - MINUTE, lo, middle, hi - MINUTE, hi]) {
          const p = partsOf(wall);
          const [ours, theirs] = [zonedInstant(p, zone).getTime(), reference(p, zone)];
          if (ours !== theirs) differing.push({ zone, wall: new Date(wall).toISOString(), ours, theirs });
        }
      }
    expect(differing).toEqual([]);
  });

  it("constrains a day past the month's end to its last day, as `overflow: 'constrain'` does", () => {
    fc.assert(
      fc.property(zonedWall, fc.integer({ min: 29, max: 31 }), ([zone, wall], day) => {
        const p = { ...partsOf(wall), day };
        expect(zonedInstant(p, zone).getTime()).toBe(reference(p, zone));
      }),
      { numRuns: 500 },
    );
  });

  it('constrains a negative hour or minute to 0, as the polyfill does', () => {
    const p = { year: 2027, month: 3, day: 15, hour: 9, minute: 30 };
    for (const low of [
      { ...p, hour: -1 },
      { ...p, minute: -5 },
    ])
      expect(zonedInstant(low, 'Europe/London').getTime()).toBe(reference(low, 'Europe/London'));
  });

  it('refuses a month or day of 0, as the polyfill does, rather than reading it as the 1st', () => {
    const p = { year: 2027, month: 3, day: 15, hour: 9, minute: 0 };
    for (const bad of [
      { ...p, month: 0 },
      { ...p, day: 0 },
    ]) {
      expect(() => reference(bad, 'Europe/London')).toThrow(RangeError);
      expect(() => zonedInstant(bad, 'Europe/London')).toThrow(RangeError);
    }
  });
});

describe('local dates and calendar years, as the Temporal polyfill counts them', () => {
  it('localDaysFrom: today in the zone and the days after (PlainDate.add)', () => {
    fc.assert(
      fc.property(zonedWall, fc.integer({ min: 1, max: 20 }), ([zone, wall], count) => {
        const now = new Date(wall);
        const today = Temporal.Instant.fromEpochMilliseconds(wall).toZonedDateTimeISO(zone).toPlainDate();
        const expected = Array.from({ length: count }, (_, i) => {
          const d = today.add({ days: i });
          return { year: d.year, month: d.month, day: d.day };
        });
        expect(localDaysFrom(now, zone, count)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('addCalendarYear: the same wall time a year on, to the millisecond, 29 February to the 28th', () => {
    // Instants near changes (this year's or, a year before, next year's) and on 29 February.
    const year = 365 * 86_400_000;
    const from = fc.oneof(
      zonedWall.map(([zone, wall]) => [zone, wall] as const),
      zonedWall.map(([zone, wall]) => [zone, wall - year] as const),
      fc
        .tuple(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 12 }), fc.nat({ max: 1439 }))
        .map(([zone, leap, m]) => [zone, Date.UTC(1992 + 4 * leap, 1, 29) + m * MINUTE] as const),
    );
    fc.assert(
      fc.property(from, fc.nat({ max: MINUTE - 1 }), ([zone, instant], ms) => {
        const at = instant + ms;
        const local = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone).toPlainDateTime();
        const expected = local
          .add({ years: 1 }, { overflow: 'constrain' })
          .toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
        expect(addCalendarYear(new Date(at), zone).getTime()).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
