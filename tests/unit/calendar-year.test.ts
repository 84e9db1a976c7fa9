import { spanBounds, spanEnd } from '../../domain/config/span';
import { addCalendarYear } from '../../domain/time/calendar-year';
import { addUtcCalendarYear } from '../../domain/time/utc-year';

const utcYear = (iso: string) => new Date(addUtcCalendarYear(Date.parse(iso))).toISOString();

describe('a calendar year in UTC (lifecycle windows, goals, experiments)', () => {
  it('the same month, day and time a year on: 366 days across 29 February, 365 otherwise', () => {
    expect(utcYear('2027-03-01T10:00:00.000Z')).toBe('2028-03-01T10:00:00.000Z');
    expect(utcYear('2028-02-28T23:59:59.999Z')).toBe('2029-02-28T23:59:59.999Z');
    expect(utcYear('2026-06-15T00:00:00.000Z')).toBe('2027-06-15T00:00:00.000Z');
    // 29 February becomes 28 February, as addCalendarYear does in a customer's zone.
    expect(utcYear('2028-02-29T10:00:00.000Z')).toBe('2029-02-28T10:00:00.000Z');
  });

  it('agrees with addCalendarYear in UTC for every day of a leap year and the year before it', () => {
    for (let t = Date.parse('2027-01-01T07:30:00Z'); t < Date.parse('2029-01-01T00:00:00Z'); t += 86_400_000)
      expect(addUtcCalendarYear(t)).toBe(addCalendarYear(new Date(t), 'UTC').getTime());
  });

  it('spanEnd and spanBounds: "1y" is a calendar year of 365 or 366 days; other durations their length', () => {
    const from = Date.parse('2027-03-01T10:00:00Z');
    expect(spanEnd(from, '1y') - from).toBe(366 * 86_400_000);
    expect(spanEnd(from, '365d') - from).toBe(365 * 86_400_000);
    expect(spanBounds('1y')).toEqual({ shortest: 365 * 86_400_000, longest: 366 * 86_400_000 });
    expect(spanBounds('2w')).toEqual({ shortest: 14 * 86_400_000, longest: 14 * 86_400_000 });
  });
});
