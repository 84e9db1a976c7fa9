import * as z from 'zod';
import { described } from '../zod';
import { TimeOfDay } from './ids';
import { expect } from './problems';
import { localStamp, SEARCH_DAYS, WEEKDAYS } from '../messages/send-window';
import { minuteOfDay } from '../time/zoned';
import { CALENDAR_DAY, namesCalendarDay } from '../time/utc-year';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** One window of a day in which messages go out, local time; `to` may be "24:00" (runs on past midnight). */
export const OpenWindow = z
  .strictObject({
    from: described(TimeOfDay, 'When sending opens, local time, e.g. "09:00".'),
    to: z
      .union([TimeOfDay, z.literal('24:00')], expect('a time of day such as "18:00", or "24:00"'))
      .describe('When it closes, local time, e.g. "18:00" ("24:00": at midnight).'),
  })
  // Compared only when both are times: a malformed one has its own issue.
  .refine((w) => !(TIME.test(w.from) && TIME.test(w.to)) || minuteOfDay(w.from) < minuteOfDay(w.to), {
    path: ['to'],
    ...expect(
      '"to" later than "from" on the same day (split a window across midnight: until "24:00", then from "00:00")',
    ),
  });
export type OpenWindow = z.infer<typeof OpenWindow>;

/** A channel's week: the windows of each day; a day not listed sends nothing (as Pinpoint's OpenHours). */
export const OpenHours = z
  .partialRecord(z.enum(WEEKDAYS, expect(`a day: ${WEEKDAYS.join(', ')}`)), z.array(OpenWindow))
  .refine((week) => Object.values(week).some((w) => w.length > 0), expect('at least one day with a window'));
export type OpenHours = z.infer<typeof OpenHours>;

/**
 * A date written as `format` says (what `written` describes) that names a day of the calendar: "02-29"
 * does (of leap years), "02-30" none. A malformed one has only the format's issue.
 */
export const calendarDate = (format: RegExp, written: string) =>
  z
    .string()
    .regex(format, expect(written))
    .refine((s) => !format.test(s) || namesCalendarDay(s), expect(CALENDAR_DAY));

const LOCAL_DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d)?$/;
const LocalDateTime = calendarDate(
  LOCAL_DATE_TIME,
  'a local date "2027-01-01" or date and time "2027-01-01T09:00" (no time zone)',
);

const MAX_CLOSED_DAYS = 366;
const wellFormed = (p: { from: string; to: string }) =>
  LOCAL_DATE_TIME.test(p.from) && LOCAL_DATE_TIME.test(p.to);

/** A period in which a channel sends nothing (a holiday, a blackout), in the customer's own time zone. */
export const ClosedPeriod = z
  .strictObject({
    name: z.string(expect('a name, e.g. "New Year"')).min(1, expect('a name, e.g. "New Year"')),
    from: LocalDateTime.describe('Start, local: "2027-01-01" (midnight) or "2027-01-01T09:00".'),
    to: LocalDateTime.describe('End (exclusive), local, e.g. "2027-01-02".'),
  })
  .refine((p) => !wellFormed(p) || localStamp(p.from) < localStamp(p.to), {
    path: ['to'],
    ...expect('"to" later than "from"'),
  })
  .refine(
    (p) =>
      !wellFormed(p) ||
      Date.parse(`${localStamp(p.to)}Z`) - Date.parse(`${localStamp(p.from)}Z`) <=
        MAX_CLOSED_DAYS * 86_400_000,
    { path: ['to'], ...expect(`a period of at most ${MAX_CLOSED_DAYS} days`) },
  );
export type ClosedPeriod = z.infer<typeof ClosedPeriod>;

export const ChannelOpenHours = z
  .strictObject({ email: OpenHours.optional(), sms: OpenHours.optional() })
  .describe(
    "Per channel, the days and local hours in which marketing goes out, e.g. { email: { MONDAY: [{ from: '09:00', to: '18:00' }] } }; a day not listed sends nothing, a channel not listed any day.",
  );
export const ChannelClosedDays = z
  .strictObject({ email: z.array(ClosedPeriod).optional(), sms: z.array(ClosedPeriod).optional() })
  .describe("Per channel, periods in the customer's time zone in which no marketing goes out.");

/**
 * The longest a send may wait for its channel to open, in seconds, beyond quiet hours' day: the longest
 * closed stretch of the week (a circular run of minutes outside every window) plus every closed period
 * (they may follow one another), for the channel that waits longest. `validate` counts it in a journey's
 * worst case (domain/journey/limits.ts).
 */
export function longestWindowWaitSeconds(pacing: {
  openHours?: z.infer<typeof ChannelOpenHours> | undefined;
  closedDays?: z.infer<typeof ChannelClosedDays> | undefined;
}): number {
  const waits = (['email', 'sms'] as const).map((channel) => {
    const week = pacing.openHours?.[channel];
    let gap = 0;
    if (week) {
      const open = new Array<boolean>(7 * 1440).fill(false);
      WEEKDAYS.forEach((day, i) => {
        for (const w of week[day] ?? [])
          for (let m = minuteOfDay(w.from); m < minuteOfDay(w.to); m++) open[i * 1440 + m] = true;
      });
      // Twice round the week, so that a run across Saturday midnight counts whole.
      let run = 0;
      for (let m = 0; m < 2 * open.length; m++)
        gap = Math.max(gap, (run = open[m % open.length] ? 0 : run + 1));
      gap = Math.min(gap, open.length);
    }
    const closed = (pacing.closedDays?.[channel] ?? []).reduce(
      (sum, p) => sum + (Date.parse(`${localStamp(p.to)}Z`) - Date.parse(`${localStamp(p.from)}Z`)) / 60_000,
      0,
    );
    return (gap + closed) * 60;
  });
  return Math.min(Math.max(...waits), SEARCH_DAYS * 86_400);
}
