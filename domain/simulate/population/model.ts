/**
 * The behavioural model of a generated population (`npx rapport simulate --generate N`). Every number is
 * a documented default a user may override; amounts are in US-dollar terms and scaled per market.
 *
 * A customer's life: the first purchase falls at a time spread evenly over the acquisition part of the
 * period, with a `profile` event at that moment (email, locale, time zone, consents, and for some a phone
 * and a birthday). After each purchase the customer buys again with probability `repeat.afterFirst` (after
 * the first) or `repeat.afterRepeat` (after later ones), an exponentially distributed gap later (mean
 * `repeat.meanGapDays`, at least a day); otherwise they churn, and a share `comeback.share` of those
 * who churn come back after a long gap (`comeback.afterDays`): dormant, then reactivated, then buying
 * on as repeat buyers do. Purchases happen in daytime (09:00–21:59) in the customer's own time zone.
 * Events of the project's own (`customEvents`, e.g. product-viewed) come at their own rate, whether or not
 * the customer still buys, so a journey that starts on one is simulated too.
 */
import * as z from 'zod';
import { Currency, Locale, TimeZone } from '../../config/ids';
import { expect } from '../../config/problems';

const Share = z.number(expect('a share from 0 to 1')).min(0).max(1);
const Positive = z.number(expect('a number above 0')).positive();

export const Market = z.strictObject({
  locale: Locale,
  timeZone: TimeZone,
  currency: Currency,
  /** How much local currency one US dollar of the model buys (CNY 7: a 30-dollar order is ¥210). */
  amountScale: Positive,
  /** Country code and the start of a mobile number, e.g. "+86139": a customer's number follows it. */
  phonePrefix: z.string().regex(/^\+[1-9]\d{0,6}$/, expect('"+" and up to 7 digits, e.g. "+86139"')),
  /** Digits after the prefix; the customer's number (its index) fills them. */
  phoneDigits: z.number().int().min(6).max(8),
  /** Weight of this market in the population (weights need not add up to 1). */
  share: z.number().min(0),
});
export type Market = z.infer<typeof Market>;

export const DEFAULT_MARKETS: Market[] = [
  {
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    amountScale: 7,
    phonePrefix: '+86139',
    phoneDigits: 8,
    share: 0.4,
  },
  {
    locale: 'en',
    timeZone: 'America/New_York',
    currency: 'USD',
    amountScale: 1,
    phonePrefix: '+1212',
    phoneDigits: 7,
    share: 0.3,
  },
  {
    locale: 'en',
    timeZone: 'Europe/London',
    currency: 'GBP',
    amountScale: 0.8,
    phonePrefix: '+4477',
    phoneDigits: 8,
    share: 0.2,
  },
  {
    locale: 'en',
    timeZone: 'America/Los_Angeles',
    currency: 'USD',
    amountScale: 1,
    phonePrefix: '+1310',
    phoneDigits: 7,
    share: 0.1,
  },
];

const PropertyValue = z.union(
  [z.string(), z.number(), z.boolean()],
  expect('a text, number or true/false value'),
);

/**
 * How often customers send one event of your own (declared in settings.yaml `customEvents`): a memoryless
 * process from the customer's first purchase to the period's end, `perMonth` events a customer a month
 * on average (a month of 30 days), at daytime in the customer's zone; each property's value is drawn
 * from its list, each as likely.
 */
export const CustomEventBehaviour = z.strictObject({
  perMonth: Positive.describe('Events per customer per month, on average, e.g. 4.'),
  properties: z
    .record(z.string(), z.array(PropertyValue).min(1, expect('at least one value')))
    .default({})
    .describe('For each property, the values to draw from, e.g. { category: [shoes, bags] }.'),
});
export type CustomEventBehaviour = z.infer<typeof CustomEventBehaviour>;

export const PopulationModel = z.strictObject({
  markets: z.array(Market).min(1).default(DEFAULT_MARKETS),
  /** The part of the period over which first purchases are spread (1: steady inflow all period). */
  acquisitionShare: Share.default(1),
  firstPurchase: z
    .strictObject({
      /**
       * Share of first purchases that are small: `smallMin`–`smallMax` dollars, at or under the shipped
       * lifecycle's threshold in every market's currency (USD 30, CNY 200, GBP 25), so
       * first-small-purchase starts for them. The others are at least `largeMin` (above every threshold).
       */
      smallShare: Share.default(0.45),
      smallMin: Positive.default(5),
      smallMax: Positive.default(25),
      largeMin: Positive.default(40),
      /** Median and log-σ of the part of a large first purchase above `largeMin`. */
      largeMedian: Positive.default(35),
      largeSpread: Positive.default(0.8),
    })
    .default({
      smallShare: 0.45,
      smallMin: 5,
      smallMax: 25,
      largeMin: 40,
      largeMedian: 35,
      largeSpread: 0.8,
    }),
  repeat: z
    .strictObject({
      /** Probability of a second purchase (CDNOW: about half its customers bought again). */
      afterFirst: Share.default(0.5),
      /** Probability of buying again after each later purchase (1 − it is the churn of repeat buyers). */
      afterRepeat: Share.default(0.75),
      meanGapDays: Positive.default(45),
      /** Median and log-σ of a repeat purchase, dollars. */
      median: Positive.default(45),
      spread: Positive.default(0.7),
    })
    .default({ afterFirst: 0.5, afterRepeat: 0.75, meanGapDays: 45, median: 45, spread: 0.7 }),
  comeback: z
    .strictObject({
      /** Share of churned customers who buy once more after a long silence. */
      share: Share.default(0.15),
      afterDays: z.tuple([Positive, Positive]).default([100, 300]),
    })
    .default({ share: 0.15, afterDays: [100, 300] }),
  consent: z
    .strictObject({
      /** Share subscribed to marketing email (the others unsubscribed). */
      email: Share.default(0.8),
      /** Share of customers with a phone who are subscribed to SMS. */
      sms: Share.default(0.4),
    })
    .default({ email: 0.8, sms: 0.4 }),
  /** Share of customers who gave a mobile number. */
  phoneShare: Share.default(0.6),
  /** Share of customers whose birthday is known (born 1950–2006). */
  birthdayShare: Share.default(0.6),
  /** Events of your own each customer sends, by type (none by default): see CustomEventBehaviour. */
  customEvents: z.record(z.string(), CustomEventBehaviour).default({}),
});
export type PopulationModel = z.infer<typeof PopulationModel>;
export type PopulationModelInput = z.input<typeof PopulationModel>;

export const DEFAULT_MODEL: PopulationModel = PopulationModel.parse({});
