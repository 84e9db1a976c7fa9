import * as z from '../zod';
import { Channel, Currency, Locale, Slug, TimeZone } from '../config/ids';
import { expect } from '../config/problems';
import { isReservedKey, RESERVED_EXPECTED, storableNumber } from './limits';
import { freeText, lineText, personName } from './text';
import { EVENT_IDENTITY } from './identity';
import type { CustomEvent as CustomEventFields } from './custom';
import type { EngagementEvent } from './engagement';
import { EVENT_TYPES } from './types';

export { EVENT_TYPES, isCustomEvent, isErasure, type EventType } from './types';

/** A key the customer's data is stored under: never a built-in object property such as `constructor`. */
function ownKey<T extends z.ZodMiniString>(schema: T) {
  return schema.check(z.refine((k) => !isReservedKey(k), expect(RESERVED_EXPECTED)));
}

const ConsentStatus = z.enum(['subscribed', 'unsubscribed'], expect('"subscribed" or "unsubscribed"'));

/**
 * A consent choice the customer made elsewhere (a sign-up form, a branch, a call centre), recorded with the
 * event as its source (`event:<eventId>`) at the event's time. `sms: subscribed` is the explicit opt-in
 * marketing SMS needs under the default policy (settings.yaml `consent`).
 */
export const ConsentUpdate = z.strictObject({
  email: z.optional(ConsentStatus),
  sms: z.optional(ConsentStatus),
  topics: z.optional(
    z
      .record(ownKey(Slug), ConsentStatus)
      .check(z.refine((r) => Object.keys(r).length <= 20, expect('at most 20 topics'))),
  ),
});
export type ConsentUpdate = z.infer<typeof ConsentUpdate>;

/** Customer attributes an event may carry; they update the profile. */
export const CustomerAttributes = z.strictObject({
  email: z.optional(z.email(expect('an email address such as "li@example.com"')).check(z.maxLength(254))),
  phone: z.optional(
    z
      .string(expect('a phone number in E.164 form, e.g. "+8613800138000"'))
      .check(z.regex(/^\+[1-9]\d{6,14}$/, expect('a phone number in E.164 form, e.g. "+8613800138000"'))),
  ),
  preferredChannel: z.optional(Channel),
  consent: z.optional(ConsentUpdate),
  firstName: z.optional(personName(100)),
  locale: z.optional(Locale),
  timeZone: z.optional(TimeZone),
  attributes: z.optional(
    z
      .record(
        ownKey(
          z
            .string()
            .check(
              z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, expect('an attribute name of letters, digits and _')),
            ),
        ),
        z.union(
          [lineText('text', 256), storableNumber('a number'), z.boolean()],
          expect('a text, number or true/false value'),
        ),
      )
      .check(z.refine((r) => Object.keys(r).length <= 50, expect('at most 50 attributes'))),
  ),
});
export type CustomerAttributes = z.infer<typeof CustomerAttributes>;

/** The fields every event has, the built-in ones and those declared in settings.yaml `customEvents`. */
export const EVENT_BASE = { ...EVENT_IDENTITY, customer: z.optional(CustomerAttributes) };

export const PurchaseEvent = z.strictObject({
  ...EVENT_BASE,
  type: z.literal('purchase'),
  amount: storableNumber('the purchase amount as a number, e.g. 19.9').check(
    z.refine((n) => n >= 0, expect('an amount of 0 or more')),
  ),
  currency: Currency,
  orderId: z.optional(lineText('an order id (text)', 128)),
});
export type PurchaseEvent = z.infer<typeof PurchaseEvent>;

/** Updates the customer's attributes without any business event. */
export const ProfileEvent = z.strictObject({ ...EVENT_BASE, type: z.literal('profile') });
export type ProfileEvent = z.infer<typeof ProfileEvent>;

export const SENTIMENTS = ['positive', 'neutral', 'mixed', 'negative'] as const;
export const Sentiment = z.enum(SENTIMENTS, expect('"positive", "neutral", "mixed" or "negative"'));
export type Sentiment = z.infer<typeof Sentiment>;

const FreeText = freeText('text the customer wrote', 5000);

/**
 * A survey answer: NPS (0–10, "how likely are you to recommend us") or satisfaction (1–5), with an
 * optional comment. From a score link in an email, or from another system (a branch, a call centre).
 */
/** The scores each survey asks for: NPS 0–10, CSAT 1–5 (events and the signed links that carry them). */
export const SCORE_RANGE = { nps: [0, 10], csat: [1, 5] } as const;

export const FeedbackEvent = z
  .strictObject({
    ...EVENT_BASE,
    type: z.literal('feedback'),
    survey: z.enum(['nps', 'csat'], expect('"nps" (0–10) or "csat" (1–5)')),
    score: z.number(expect('a whole-number score')).check(z.int(expect('a whole-number score'))),
    comment: z.optional(FreeText),
    /** Set by Rapport from the comment (Comprehend on AWS); a sender may give its own. */
    sentiment: z.optional(Sentiment),
    /** The message the survey came in, when it came from a Rapport email. */
    about: z.optional(
      z.strictObject({ journeyId: lineText('a journey id', 64), stepId: lineText('a step id', 64) }),
    ),
  })
  .check(
    z.refine((e) => e.score >= SCORE_RANGE[e.survey][0] && e.score <= SCORE_RANGE[e.survey][1], {
      error: 'expected: a score from 0 to 10 for nps, from 1 to 5 for csat',
      path: ['score'],
    }),
  );
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;

/** A complaint, from any channel (service desk, branch, social media), with what the customer said. */
export const ComplaintEvent = z.strictObject({
  ...EVENT_BASE,
  type: z.literal('complaint'),
  text: z.optional(FreeText),
  sentiment: z.optional(Sentiment),
});
export type ComplaintEvent = z.infer<typeof ComplaintEvent>;

export const CustomerEvent = z.discriminatedUnion(
  'type',
  [PurchaseEvent, ProfileEvent, FeedbackEvent, ComplaintEvent],
  {
    error: `expected: an event type, one of ${EVENT_TYPES.map((t) => `"${t}"`).join(', ')}`,
  },
);
/** An event of a type declared in settings.yaml `customEvents` (checked by ./custom-schema.ts). */
export type CustomEvent = CustomEventFields & { customer?: CustomerAttributes };
/** A built-in event: the types Rapport itself knows what to do with. */
export type BuiltInEvent = z.infer<typeof CustomerEvent>;
/** Built-in, declared, or an engagement event (./engagement.ts: recorded by Rapport, not posted to it). */
// `customer?: undefined`: an engagement event carries no customer attributes (its readers need not ask).
export type CustomerEvent = BuiltInEvent | CustomEvent | (EngagementEvent & { customer?: undefined });

/**
 * A request to forget a customer (the right to erasure), as an event: the same as `DELETE /customers/{id}`.
 * Not a CustomerEvent: it starts no journey and changes no profile; it removes them.
 */
export const ErasureRequest = z.strictObject({
  ...EVENT_IDENTITY,
  type: z.literal('erase'),
});
export type ErasureRequest = z.infer<typeof ErasureRequest>;

/** What ingest accepts: customer events, and erasure requests. */
export const IncomingEvent = z.discriminatedUnion(
  'type',
  [PurchaseEvent, ProfileEvent, FeedbackEvent, ComplaintEvent, ErasureRequest],
  {
    error: `expected: an event type, one of ${[...EVENT_TYPES, 'erase'].map((t) => `"${t}"`).join(', ')}`,
  },
);
export type IncomingEvent = z.infer<typeof IncomingEvent> | CustomEvent;
