import { Pacing, Settings } from '../../domain/config/settings';
import { longestWindowWaitSeconds } from '../../domain/config/send-window';
import { zodProblems } from '../../domain/config/problems';
import { NeverOpenError } from '../../domain/errors';
import { sendWindowWait } from '../../domain/messages/send-window';

const SH = 'Asia/Shanghai'; // UTC+8 all year
const weekdays = (from: string, to: string) =>
  Object.fromEntries(
    ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((d) => [d, [{ from, to }]]),
  );

/** The wait of a marketing email at a UTC instant, as an ISO string and reason. */
const wait = (pacing: unknown, iso: string, opts: { zone?: string; channel?: 'email' | 'sms' } = {}) => {
  const w = sendWindowWait(
    new Date(iso),
    opts.zone ?? SH,
    Pacing.parse(pacing),
    opts.channel ?? 'email',
    'marketing',
  );
  return w && `${w.until.toISOString()} ${w.reason}`;
};

describe('open hours per channel', () => {
  const pacing = { openHours: { email: weekdays('09:00', '18:00') } };

  it('sends inside a window, waits for the next opening outside one; another channel is not held', () => {
    expect(wait(pacing, '2026-11-23T02:00:00Z')).toBeUndefined(); // Monday 10:00 local
    expect(wait(pacing, '2026-11-23T00:00:00Z')).toBe('2026-11-23T01:00:00.000Z send-window-deferred'); // 08:00 → 09:00
    expect(wait(pacing, '2026-11-23T10:00:00Z')).toBe('2026-11-24T01:00:00.000Z send-window-deferred'); // 18:00 → Tue
    expect(wait(pacing, '2026-11-23T00:00:00Z', { channel: 'sms' })).toBeUndefined();
  });

  it('a day not listed sends nothing: Saturday waits for Monday', () => {
    expect(wait(pacing, '2026-11-28T04:00:00Z')).toBe('2026-11-30T01:00:00.000Z send-window-deferred');
  });

  it('takes the earliest of several windows, and a window until 24:00 runs on into one from 00:00', () => {
    const split = {
      openHours: {
        sms: {
          MONDAY: [
            { from: '14:00', to: '16:00' },
            { from: '10:00', to: '12:00' },
            { from: '22:00', to: '24:00' },
          ],
          TUESDAY: [{ from: '00:00', to: '06:00' }],
        },
      },
    };
    const sms = { channel: 'sms' } as const;
    expect(wait(split, '2026-11-23T01:00:00Z', sms)).toBe('2026-11-23T02:00:00.000Z send-window-deferred'); // 09:00 → 10:00
    expect(wait(split, '2026-11-23T04:30:00Z', sms)).toBe('2026-11-23T06:00:00.000Z send-window-deferred'); // 12:30 → 14:00
    expect(wait(split, '2026-11-23T15:59:00Z', sms)).toBeUndefined(); // Mon 23:59
    expect(wait(split, '2026-11-23T16:00:00Z', sms)).toBeUndefined(); // Tue 00:00
    expect(wait(split, '2026-11-23T22:00:00Z', sms)).toBe('2026-11-30T02:00:00.000Z send-window-deferred'); // Tue 06:00 → Mon 10:00
  });

  it('with quiet hours, the first instant both allow; the reason is quiet hours when they held', () => {
    const both = {
      quietHours: { from: '21:00', to: '09:00' },
      openHours: { email: { MONDAY: [{ from: '08:00', to: '10:00' }] } },
    };
    expect(wait(both, '2026-11-22T23:30:00Z')).toBe('2026-11-23T01:00:00.000Z quiet-hours-deferred'); // 07:30 → 09:00
    expect(wait(both, '2026-11-23T01:30:00Z')).toBeUndefined();
  });

  it('resolves local hours across DST: a window opening in the spring-forward gap opens at the jump', () => {
    const london = { openHours: { email: { SUNDAY: [{ from: '01:30', to: '02:30' }] } } };
    // Sunday 29 March 2026, 00:30 GMT: the clocks go from 01:00 GMT to 02:00 BST; 02:00 BST is in the window.
    expect(wait(london, '2026-03-29T00:30:00Z', { zone: 'Europe/London' })).toBe(
      '2026-03-29T01:00:00.000Z send-window-deferred',
    );
    const ny = { openHours: { email: { MONDAY: [{ from: '09:00', to: '17:00' }] } } };
    // Monday 9 March 2026 09:00 EDT is 13:00Z (it was 14:00Z a week earlier, EST).
    expect(wait(ny, '2026-03-07T12:00:00Z', { zone: 'America/New_York' })).toBe(
      '2026-03-09T13:00:00.000Z send-window-deferred',
    );
  });
});

describe('closed days per channel', () => {
  const pacing = {
    openHours: { email: weekdays('09:00', '18:00') },
    closedDays: { email: [{ name: 'New Year', from: '2027-01-01', to: '2027-01-02' }] },
  };

  it('holds a message until the period ends, then until the channel opens', () => {
    // Friday 1 January 2027 10:00 local → closed until Saturday 00:00 → open hours say Monday 09:00.
    expect(wait(pacing, '2027-01-01T02:00:00Z')).toBe('2027-01-04T01:00:00.000Z send-window-deferred');
    expect(wait(pacing, '2026-12-31T02:00:00Z')).toBeUndefined();
  });

  it('takes periods that overlap or follow each other as one, with times of day', () => {
    const closed = {
      closedDays: {
        sms: [
          { name: 'a', from: '2027-02-01T12:00', to: '2027-02-03' },
          { name: 'b', from: '2027-02-02T20:00', to: '2027-02-04T08:30' },
          { name: 'c', from: '2027-02-04T08:30', to: '2027-02-04T09:00' },
        ],
      },
    };
    expect(wait(closed, '2027-02-01T04:00:00Z', { channel: 'sms' })).toBe(
      '2027-02-04T01:00:00.000Z send-window-deferred',
    );
    expect(wait(closed, '2027-02-01T03:59:00Z', { channel: 'sms' })).toBeUndefined();
    expect(wait(closed, '2027-02-01T04:00:00Z')).toBeUndefined(); // email has no closed days
  });
});

describe('transactional messages', () => {
  const pacing = (transactional: 'send' | 'defer') => ({
    quietHours: { from: '21:00', to: '09:00', transactional },
    openHours: { sms: { MONDAY: [{ from: '10:00', to: '11:00' }] } },
  });
  const at = new Date('2026-11-23T06:00:00Z'); // Monday 14:00 local

  it("follow quiet hours' transactional rule: sent, or held like marketing", () => {
    expect(sendWindowWait(at, SH, Pacing.parse(pacing('send')), 'sms', 'transactional')).toBeUndefined();
    expect(
      sendWindowWait(at, SH, Pacing.parse(pacing('defer')), 'sms', 'transactional')?.until.toISOString(),
    ).toBe('2026-11-30T02:00:00.000Z');
    const noQuiet = Pacing.parse({ openHours: pacing('defer').openHours });
    expect(sendWindowWait(at, SH, noQuiet, 'sms', 'transactional')).toBeUndefined();
  });
});

describe('a configuration that never opens', () => {
  it('is refused by validation, naming the channel', () => {
    const result = Pacing.safeParse({
      quietHours: { from: '21:00', to: '09:00' },
      openHours: { sms: { MONDAY: [{ from: '22:00', to: '23:00' }] } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['openHours.sms']);
  });

  it('fails with NeverOpenError past the search bound (closed for longer than it)', () => {
    const year = (y: number) => ({ name: `${y}`, from: `${y}-01-01`, to: `${y + 1}-01-01` });
    const pacing = Pacing.parse({ closedDays: { email: [year(2027), year(2028)] } });
    expect(() => sendWindowWait(new Date('2027-01-01T00:00:00Z'), SH, pacing, 'email', 'marketing')).toThrow(
      NeverOpenError,
    );
  });
});

describe('validating open hours and closed days', () => {
  it('names every problem with its field', () => {
    const settings = {
      brand: { name: 'Shop' },
      locales: ['en'],
      defaultLocale: 'en',
      pacing: {
        openHours: {
          email: {
            MONDAY: [{ from: '18:00', to: '09:00' }],
            FUNDAY: [{ from: '09:00', to: '10:00' }],
            TUESDAY: [{ from: '9:00', to: '25:00' }],
          },
          sms: {},
          push: {},
        },
        closedDays: {
          email: [
            { name: 'Backwards', from: '2027-01-02', to: '2027-01-01' },
            { name: '', from: '2027-13-01', to: '2027-01-01T24:00' },
            { name: 'Long', from: '2027-01-01', to: '2028-06-01' },
            { name: 'No such day', from: '2027-02-27', to: '2027-02-30' },
          ],
        },
      },
    };
    const result = Settings.safeParse(settings);
    const problems = result.success ? [] : zodProblems(result.error, settings).map((p) => p.field);
    expect(problems).toEqual([
      'pacing.openHours.email.MONDAY[0].to',
      'pacing.openHours.email.TUESDAY[0].from',
      'pacing.openHours.email.TUESDAY[0].to',
      'pacing.openHours.email.FUNDAY',
      'pacing.openHours.sms',
      'pacing.openHours.push',
      'pacing.closedDays.email[0].to',
      'pacing.closedDays.email[1].name',
      'pacing.closedDays.email[1].from',
      'pacing.closedDays.email[1].to',
      'pacing.closedDays.email[2].to',
      'pacing.closedDays.email[3].to',
    ]);
  });
});

describe('the longest wait for a channel to open (counted in journeys’ worst cases)', () => {
  it('is the longest closed stretch of the week plus every closed period, for the channel waiting longest', () => {
    const hours = (h: number) => h * 3600;
    expect(longestWindowWaitSeconds({})).toBe(0);
    // Open Monday 09:00–18:00 only: closed from Monday 18:00 to the next Monday 09:00.
    expect(
      longestWindowWaitSeconds({ openHours: { email: { MONDAY: [{ from: '09:00', to: '18:00' }] } } }),
    ).toBe(hours(7 * 24 - 9));
    // Saturday until midnight and Sunday from midnight are one run: the gap is Sunday 06:00 to Saturday 20:00.
    const weekend = { SATURDAY: [{ from: '20:00', to: '24:00' }], SUNDAY: [{ from: '00:00', to: '06:00' }] };
    const closedDays = { sms: [{ name: 'x', from: '2027-01-01', to: '2027-01-03T12:00' }] };
    expect(longestWindowWaitSeconds({ openHours: { sms: weekend }, closedDays })).toBe(
      hours(6 * 24 + 14 + 60),
    );
  });
});
