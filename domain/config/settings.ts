import * as z from 'zod';
import { described } from '../zod';
import { DEFAULT_TRACKING, Tracking } from '../messages/tracking';
import { CustomEvents } from '../events/custom';
import { DEFAULT_EVENT_TIME_WINDOW } from '../events/time';
import { DEFAULT_CONSENT_POLICY, type ConsentPolicy as Policy } from './consent-modes';
import { Duration, durationSeconds, isDuration } from './duration';
import { CHANNELS, Locale, Slug, TimeOfDay, TimeZone, type Channel } from './ids';
import { ControlGroup, ExclusiveGroups, NO_CONTROL_GROUP } from './interplay';
import { expect } from './problems';
import { calendarDate, ChannelClosedDays, ChannelOpenHours } from './send-window';
import { NeverOpenError } from '../errors';
import { sendWindowWait } from '../messages/send-window';

const HOLIDAY_DATE = /^(\d{4}-)?\d{2}-\d{2}$/;

/** Whether a channel's week never opens: sought from 1970 (before any closed day) on UTC's wall clock. */
function neverOpens(pacing: Pick<Pacing, 'quietHours' | 'openHours'>, channel: Channel): boolean {
  try {
    sendWindowWait(new Date(0), 'UTC', pacing, channel, 'marketing');
    return false;
  } catch (e) {
    // Anything else is a malformed window or time, which its own issue already names.
    return e instanceof NeverOpenError;
  }
}

/** A limit on how many marketing messages one customer receives, across all journeys. */
export const FrequencyCap = z
  .strictObject({
    channel: z
      .enum(['email', 'sms', 'any'], expect('"email", "sms" or "any"'))
      .default('any')
      .describe('Which messages count: one channel, or all of them.'),
    max: z.number(expect('a whole number ≥ 1')).int().min(1, expect('a whole number ≥ 1')),
    per: described(Duration, 'The sliding window, e.g. 7d.'),
    reservedForHigh: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'Slots of `max` only `priority: high` messages may take, so a VIP invitation is not crowded out by offers.',
      ),
  })
  .refine((c) => c.reservedForHigh < c.max, expect('reservedForHigh smaller than max'));
export type FrequencyCap = z.infer<typeof FrequencyCap>;

/** Hours in the customer's own time zone in which no marketing message goes out; it waits for `to`. */
export const QuietHours = z
  .strictObject({
    from: described(TimeOfDay, 'Start of the quiet period, local time, e.g. "21:00".'),
    to: described(
      TimeOfDay,
      'End of the quiet period, local time, e.g. "09:00" (next morning if before `from`).',
    ),
    transactional: z
      .enum(['send', 'defer'], expect('"send" or "defer"'))
      .default('send')
      .describe('Whether receipts and service notices go out in quiet hours (send) or wait too (defer).'),
  })
  .refine((q) => q.from !== q.to, expect('"from" and "to" at different times'));
export type QuietHours = z.infer<typeof QuietHours>;

export const Pacing = z
  .strictObject({
    quietHours: QuietHours.optional(),
    caps: z
      .array(FrequencyCap)
      .default([])
      .describe('Every cap must hold for a marketing message to go out.'),
    openHours: ChannelOpenHours.optional(),
    closedDays: ChannelClosedDays.optional(),
  })
  .superRefine((pacing, ctx) => {
    // Open hours that quiet hours cover entirely would hold every marketing message back for ever.
    for (const channel of CHANNELS)
      if (
        pacing.quietHours &&
        Object.values(pacing.openHours?.[channel] ?? {}).some((day) => day.length) &&
        neverOpens(pacing, channel)
      )
        ctx.addIssue({
          code: 'custom',
          path: ['openHours', channel],
          message:
            'expected: a window not wholly inside quietHours (else no marketing message ever goes out)',
          input: pacing.openHours?.[channel],
        });
  });
export type Pacing = z.infer<typeof Pacing>;

/**
 * Which event times ingest believes. A purchase "in the year 9999" would keep its customer due forever;
 * one from before the business existed is a sender's bug. Both are refused with a 400 naming `at`.
 */
export const EventTimes = z.strictObject({
  maxFutureSkew: z
    ._default(Duration, DEFAULT_EVENT_TIME_WINDOW.maxFutureSkew)
    .describe("How far past the current time an event time may be (senders' clocks drift), e.g. 1d."),
  earliest: z.iso
    .datetime({
      offset: true,
      error: 'expected: an ISO 8601 timestamp with a time zone, e.g. "2000-01-01T00:00:00Z"',
    })
    .refine((s) => Date.parse(s) >= Date.parse('1970-01-01T00:00:00Z'), expect('a time from 1970 on'))
    .default(DEFAULT_EVENT_TIME_WINDOW.earliest)
    .describe('Events that claim to have happened before this are refused.'),
});
export type EventTimes = z.infer<typeof EventTimes>;

/** The longest spread: a greeting found more than a day after its due time is missed (OCCASION_GRACE_MS). */
const MAX_OCCASION_SPREAD_SECONDS = 12 * 3_600;

/**
 * When date-triggered journeys (birthdays, holidays) become due: each customer at the journey's
 * `timeOfDay` plus their own stable place in `spread`, so that a whole population is not due (and
 * started) in the same second. 09:00 with 2h: between 09:00 and 11:00 local time.
 */
export const Occasions = z.strictObject({
  spread: z
    ._default(
      Duration.check(
        z.refine(
          (d) => !isDuration(d) || durationSeconds(d) <= MAX_OCCASION_SPREAD_SECONDS,
          expect('at most 12h (a greeting must still go out on the day)'),
        ),
      ),
      '2h',
    )
    .describe("How long after a dated journey's timeOfDay its customers' starts are spread, e.g. 2h."),
});
export type Occasions = z.infer<typeof Occasions>;

const ConsentMode = z
  .enum(['explicit', 'implied'], expect('"explicit" or "implied"'))
  .describe(
    'explicit: marketing only to customers who opted in; implied: also to those who never answered, until they opt out.',
  );

const ChannelModes = z.strictObject({ email: ConsentMode.optional(), sms: ConsentMode.optional() });

/**
 * Which channels need an explicit opt-in before any marketing message. Transactional messages never do.
 * A market (the customer's locale, e.g. de-DE, or its language, de) may say otherwise for a channel.
 */
export const ConsentPolicy: z.ZodType<Policy, unknown> = z.strictObject({
  email: ConsentMode.default('implied'),
  sms: ConsentMode.default('explicit'),
  byLocale: z
    .record(Locale, ChannelModes)
    .default({})
    .describe(
      "Per market, by the customer's locale: an exact match (de-DE) first, then its language (de), e.g. { de: { email: explicit } }.",
    ),
});

/** Project-wide settings marketing owns (workflows/settings.yaml). Deployment details live in CDK context. */
export const Settings = z
  .strictObject({
    brand: z.strictObject({
      name: z.string(expect('the brand name shown in messages')).min(1),
    }),
    locales: z.array(Locale).min(1, expect('at least one locale')),
    defaultLocale: Locale,
    defaultTimeZone: z._default(TimeZone, 'UTC').describe('For customers whose time zone is unknown.'),
    holidays: z
      .record(
        Slug,
        z.array(calendarDate(HOLIDAY_DATE, 'a date "2027-02-06" (that day) or "12-25" (every year)')).min(1),
      )
      .default({})
      .describe(
        'Holidays journeys can wait for. Moving feasts (Spring Festival, Mid-Autumn) list each year.',
      ),
    topics: z
      .array(Slug)
      .min(1)
      .default(['offers', 'events', 'service'])
      .describe('What marketing messages are about; a customer may opt out of each (send steps name one).'),
    pacing: Pacing.default({ caps: [] }).describe('Frequency caps and quiet hours for marketing messages.'),
    occasions: Occasions.default({ spread: '2h' }).describe(
      'How birthday and holiday journeys are spread over the morning, per customer.',
    ),
    consent: ConsentPolicy.default(DEFAULT_CONSENT_POLICY).describe(
      'Whether marketing on a channel needs an explicit opt-in (default: SMS yes, email no), per market if needed.',
    ),
    events: EventTimes.default(DEFAULT_EVENT_TIME_WINDOW).describe(
      'The event times ingest accepts: refused beyond maxFutureSkew from now, or before earliest.',
    ),
    exclusiveGroups: ExclusiveGroups,
    controlGroup: ControlGroup.default(NO_CONTROL_GROUP),
    tracking: z
      ._default(Tracking, DEFAULT_TRACKING)
      .describe(
        'Open and click tracking of marketing emails, per topic (transactional email is never tracked). Opens and clicks become email-opened and email-clicked events.',
      ),
    customEvents: z
      ._default(CustomEvents, {})
      .describe(
        'Events of your own (e.g. product-viewed), by name: what each carries in `properties`, and which of those are personal data. Journeys start on them, wait for them, branch on them and put their properties in messages (`event.*`).',
      ),
  })
  .superRefine((s, ctx) => {
    // A topic misspelt under `tracking` would silently leave the real one at the default.
    for (const topic of Object.keys(s.tracking.topics))
      if (!s.topics.includes(topic))
        ctx.addIssue({
          code: 'custom',
          path: ['tracking', 'topics', topic],
          message: `expected: a topic listed in \`topics\`: ${s.topics.join(', ')}`,
          input: topic,
        });
  });
export type Settings = z.infer<typeof Settings>;
