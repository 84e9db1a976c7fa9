import fc from 'fast-check';
import { addDuration, YearlyDuration } from '../../domain/config/yearly-duration';
import { addCalendarYear } from '../../domain/time/calendar-year';
import { localParts } from '../../domain/time/zoned';

const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Sydney'];
const DAY = 86_400_000;
/** Instants from 2000 to 2100, whole minutes (every zone's offset is whole minutes since 1970). */
const instant = fc
  .integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2100, 0, 1) / 60_000 })
  .map((m) => new Date(m * 60_000));
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

describe('a calendar year ("1y")', () => {
  it('lands on the same month, day and local time next year; 29 February on 28 February', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (from, zone) => {
        const a = localParts(from, zone);
        const b = localParts(addCalendarYear(from, zone), zone);
        const leapDay = a.month === 2 && a.day === 29;
        expect({ year: b.year, month: b.month, day: b.day }).toEqual({
          year: a.year + 1,
          month: a.month,
          day: leapDay ? 28 : a.day,
        });
        // The wall clock keeps its time unless a DST change skips it on the new date (then it moves on).
        const minutes = (p: typeof a) => p.hour * 60 + p.minute;
        expect(minutes(b)).toBeGreaterThanOrEqual(minutes(a));
        expect(minutes(b) - minutes(a)).toBeLessThanOrEqual(60);
      }),
      { numRuns: 500 },
    );
  });

  it('is 366 days across a leap day and 365 otherwise (in UTC), never 365 days across 29 February', () => {
    fc.assert(
      fc.property(instant, (from) => {
        const to = addCalendarYear(from, 'UTC');
        const y = from.getUTCFullYear();
        const m = from.getUTCMonth() + 1;
        const d = from.getUTCDate();
        // The year between holds a 29 February: this year's if we start before March, else next year's.
        const crossesLeapDay =
          m <= 2 && !(m === 2 && d === 29) ? isLeap(y) : isLeap(y + 1) && !(m === 2 && d === 29);
        const days = (to.getTime() - from.getTime()) / DAY;
        expect(days).toBe(crossesLeapDay ? 366 : 365);
      }),
      { numRuns: 1000 },
    );
  });

  it('from 29 February and 28 February of a leap year, and into one', () => {
    const at = (iso: string) => addCalendarYear(new Date(iso), 'Asia/Shanghai').toISOString();
    expect(at('2028-02-29T01:00:00Z')).toBe('2029-02-28T01:00:00.000Z');
    expect(at('2028-02-28T01:00:00Z')).toBe('2029-02-28T01:00:00.000Z');
    expect(at('2027-02-28T01:00:00Z')).toBe('2028-02-28T01:00:00.000Z');
    expect(at('2027-03-01T01:00:00Z')).toBe('2028-03-01T01:00:00.000Z'); // 366 days
  });

  it('is accepted only where a timestamp is worked out (reEntry), and other durations keep their seconds', () => {
    expect(YearlyDuration.safeParse('1y').success).toBe(true);
    expect(YearlyDuration.safeParse('2y').success).toBe(false);
    const from = new Date('2027-03-01T00:00:00Z');
    expect(addDuration(from, '365d', 'UTC').toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(addDuration(from, '1y', 'UTC').toISOString()).toBe('2028-03-01T00:00:00.000Z');
  });
});
