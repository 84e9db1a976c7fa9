import { quietUntil } from '../../domain/messages/policy';
import {
  localDaysFrom,
  localParts,
  localYear,
  nextLocal,
  reading,
  zonedInstant,
  type LocalParts,
} from '../../domain/time/zoned';

/** 2026 wall-clock times → UTC, with "compatible" disambiguation. */
const at = (local: string, timeZone: string) => {
  const [date, time] = local.split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return zonedInstant({ year, month, day, hour, minute }, timeZone).toISOString();
};

describe('a local time a spring-forward gap skips moves forward by the gap', () => {
  it.each([
    // zone, local time in the gap, UTC instant (the same wall time after the clocks went forward)
    ['Europe/London', '2026-03-29T01:30', '2026-03-29T01:30:00.000Z'], // → 02:30 BST
    ['Europe/Berlin', '2026-03-29T02:30', '2026-03-29T01:30:00.000Z'], // → 03:30 CEST
    ['Australia/Sydney', '2026-10-04T02:30', '2026-10-03T16:30:00.000Z'], // → 03:30 AEDT
    ['America/New_York', '2026-03-08T02:30', '2026-03-08T07:30:00.000Z'], // → 03:30 EDT
    ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:45:00.000Z'], // 30-min gap → 02:45 +11
  ])('%s %s is %s', (zone, local, utc) => {
    expect(at(local, zone)).toBe(utc);
    // Never earlier than the last instant before the gap: time does not run backwards.
    const shown = localParts(new Date(utc), zone);
    expect(shown.hour * 60 + shown.minute).toBeGreaterThan(Number(local.slice(11, 13)) * 60);
  });

  it('just before and just after a gap are untouched', () => {
    expect(at('2026-03-29T00:59', 'Europe/London')).toBe('2026-03-29T00:59:00.000Z');
    expect(at('2026-03-29T02:00', 'Europe/London')).toBe('2026-03-29T01:00:00.000Z');
    expect(at('2026-03-29T01:59', 'Europe/Berlin')).toBe('2026-03-29T00:59:00.000Z');
    expect(at('2026-03-29T03:00', 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z');
  });
});

describe('a local time an autumn overlap repeats is its earlier instant', () => {
  it.each([
    ['Europe/London', '2026-10-25T01:30', '2026-10-25T00:30:00.000Z'], // BST, not GMT
    ['Europe/Berlin', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z'], // CEST, not CET
    ['Australia/Sydney', '2026-04-05T02:30', '2026-04-04T15:30:00.000Z'], // AEDT, not AEST
    ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z'], // EDT, not EST
    ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45:00.000Z'], // +11, not +10:30
  ])('%s %s is %s', (zone, local, utc) => {
    expect(at(local, zone)).toBe(utc);
  });

  it('both instants of the overlap read as the same wall time', () => {
    const later = new Date('2026-10-25T01:30:00Z');
    expect(localParts(new Date(at('2026-10-25T01:30', 'Europe/London')), 'Europe/London')).toEqual(
      localParts(later, 'Europe/London'),
    );
  });
});

describe('a zone without DST', () => {
  it('Asia/Shanghai is UTC+8 all year, on the dates other zones change', () => {
    expect(at('2026-03-29T02:30', 'Asia/Shanghai')).toBe('2026-03-28T18:30:00.000Z');
    expect(at('2026-10-25T01:30', 'Asia/Shanghai')).toBe('2026-10-24T17:30:00.000Z');
    expect(at('2026-03-08T02:30', 'Asia/Shanghai')).toBe('2026-03-07T18:30:00.000Z');
  });
});

describe('callers that land in a gap', () => {
  it('quiet hours that end at a skipped time end when the wall clock passes it', () => {
    const night = { from: '22:00', to: '02:30', transactional: 'send' as const };
    // 23:00 CET on the night the clocks go forward: the wall clock jumps from 02:00 to 03:00 CEST, passing
    // "02:30" then, so quiet hours end at the jump (03:00 CEST), not at 03:30 CEST as zonedInstant reads it.
    expect(quietUntil(new Date('2026-03-28T22:00:00Z'), 'Europe/Berlin', night)?.toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    const london = { from: '21:00', to: '01:30', transactional: 'send' as const };
    expect(quietUntil(new Date('2026-03-28T22:00:00Z'), 'Europe/London', london)?.toISOString()).toBe(
      '2026-03-29T01:00:00.000Z', // 02:00 BST
    );
    const sydney = { from: '22:00', to: '02:30', transactional: 'send' as const };
    expect(quietUntil(new Date('2026-10-03T13:00:00Z'), 'Australia/Sydney', sydney)?.toISOString()).toBe(
      '2026-10-03T16:00:00.000Z', // 03:00 AEDT
    );
  });

  it('a quiet-hours end is never before the moment it is asked about', () => {
    const night = { from: '22:00', to: '02:30', transactional: 'send' as const };
    for (const now of ['2026-03-28T22:00:00Z', '2026-03-29T00:00:00Z', '2026-03-29T00:59:00Z']) {
      const end = quietUntil(new Date(now), 'Europe/Berlin', night);
      expect(end!.getTime()).toBeGreaterThan(new Date(now).getTime());
    }
  });

  it('the next 01:30 in London on the day the clocks go forward is 02:30 BST', () => {
    const now = new Date('2026-03-28T12:00:00Z');
    const next = nextLocal(now, 'Europe/London', '01:30', localDaysFrom(now, 'Europe/London', 3).slice(1));
    expect(next?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('counts local days across a DST change and a month end', () => {
    expect(localDaysFrom(new Date('2026-03-28T23:30:00Z'), 'Europe/Berlin', 3)).toEqual([
      { year: 2026, month: 3, day: 29 },
      { year: 2026, month: 3, day: 30 },
      { year: 2026, month: 3, day: 31 },
    ]);
  });
});

describe('the wall clock at an instant, read by the hour', () => {
  const ZONES = [
    'UTC',
    'Europe/London',
    'America/New_York',
    'America/St_Johns', // -03:30 / -02:30
    'Asia/Kathmandu', // +05:45
    'Australia/Lord_Howe', // a 30-minute DST change
    'Pacific/Chatham', // +12:45 / +13:45
    'Pacific/Kiritimati', // +14:00
    'America/Santiago', // changes at midnight local
  ];
  const sameReading = (a: LocalParts, b: Partial<LocalParts>) =>
    a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
  /** The reading of the Intl formatter itself, at this very minute. */
  const intl = (instant: Date, timeZone: string): Partial<LocalParts> =>
    reading(timeZone, Math.floor(instant.getTime() / 60_000));

  it('is what the formatter reads at every minute of the hours around each offset change of 2026', () => {
    const wrong: string[] = [];
    for (const zone of ZONES) {
      const changes: number[] = [];
      const offset = (t: number) => {
        const p = intl(new Date(t), zone);
        return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute) - t;
      };
      const start = Date.UTC(2026, 0, 1);
      for (let t = start; t < Date.UTC(2027, 0, 1); t += 3 * 3_600_000)
        if (offset(t) !== offset(t + 3 * 3_600_000)) changes.push(t);
      for (const change of changes)
        for (let t = change - 3_600_000; t <= change + 4 * 3_600_000; t += 60_000)
          if (!sameReading(localParts(new Date(t + 17_123), zone), intl(new Date(t + 17_123), zone)))
            wrong.push(`${zone} ${new Date(t).toISOString()}`);
    }
    expect(wrong).toEqual([]);
  });

  it('is what the formatter reads through a year, in zones whose offsets are not whole hours', () => {
    const wrong: string[] = [];
    for (const zone of ZONES)
      for (let t = Date.UTC(2025, 11, 30); t < Date.UTC(2027, 0, 2); t += 7 * 3_600_000 + 13 * 60_000)
        if (!sameReading(localParts(new Date(t), zone), intl(new Date(t), zone)))
          wrong.push(`${zone} ${new Date(t).toISOString()}`);
    expect(wrong).toEqual([]);
  });
});

describe('localYear reads the year as localParts does, the zone asked only around New Year', () => {
  const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Shanghai', 'America/New_York', 'UTC'];
  // Every hour from 30 December to 3 January, and one instant a month: where the fast path answers.
  const hours = Array.from({ length: 24 * 5 }, (_, h) => Date.UTC(2026, 11, 30) + h * 3_600_000);
  const months = Array.from({ length: 12 }, (_, m) => Date.UTC(2026, m, 15, 12));
  it.each(zones)('%s', (zone) => {
    for (const t of [...hours, ...months, Date.UTC(1901, 11, 31, 12)])
      expect(localYear(new Date(t), zone)).toBe(localParts(new Date(t), zone).year);
  });
  it('refuses an unknown zone as localParts does', () => {
    expect(() => localYear(new Date(Date.UTC(2026, 5, 1)), 'Mars/Olympus')).toThrow(RangeError);
  });
});
