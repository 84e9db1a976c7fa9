import * as z from '../zod';
import { Duration } from '../config/duration';
import { Slug, TimeOfDay } from '../config/ids';
import { expect } from '../config/problems';
import { EVENT_TYPES } from '../events/types';
import { AnniversaryName, PROFILE_DATE_NAMES } from './anniversary';

// The parts of the journey schema (./schema.ts) that a Task reads again in its input (a branch's conditions,
// a wait's moment): apart from it, so that a send or a step builds none of the schemas of steps, entries and
// events it never reads.

export const Scalar = z.union(
  [z.string(), z.number(), z.boolean()],
  expect('a text, number or true/false value'),
);
export const OneOrMany = z.union([Slug, z.array(Slug).check(z.minLength(1))]);

/**
 * An event type a journey names: a built-in one, or one declared in settings.yaml `customEvents`
 * (validate checks it is declared: the schema alone cannot know the project's events).
 */
export const EventName = z.described(
  z.union(
    [z.enum(EVENT_TYPES), Slug],
    expect('an event type, e.g. "purchase" or a declared "product-viewed"'),
  ),
  'A built-in event type, or one declared in settings.yaml `customEvents`.',
);

const Range = z
  .strictObject({ min: z.optional(z.number()), max: z.optional(z.number()) })
  .check(z.refine((r) => r.min !== undefined || r.max !== undefined, expect('at least one of min and max')));

const ConsentState = z.enum(
  ['subscribed', 'unknown', 'unsubscribed'],
  expect('"subscribed", "unknown" or "unsubscribed"'),
);
/** One consent state, or any of several (e.g. [subscribed, unknown]: everyone who has not opted out). */
const ConsentWanted = z.union([ConsentState, z.array(ConsentState).check(z.minLength(1))]);
const CONSENT_WORDS =
  'subscribed (opted in), unknown (never answered; implied consent where settings.yaml `consent` allows it) or unsubscribed (opted out), or a list of these.';

/** The entry event's properties an execution carries (`event`): none of them personal data. */
export const EntryEventProperties = z.record(z.string(), Scalar);
export type EntryEventProperties = z.infer<typeof EntryEventProperties>;

const Bound = z.union([z.number(), z.string()], expect('a number, or a date as ISO 8601 text'));
/**
 * A test of one entry event property: a value it equals, a list of values it is one of, or bounds (a
 * number, or a date compared as an instant). Which of these a property allows depends on its declared
 * type (validate checks it against the entry event's declaration).
 */
export const PropertyTest = z.union([
  Scalar,
  z
    .strictObject({
      in: z.optional(z.array(Scalar).check(z.minLength(1))),
      gt: z.optional(Bound),
      gte: z.optional(Bound),
      lt: z.optional(Bound),
      lte: z.optional(Bound),
    })
    .check(z.refine((t) => Object.keys(t).length > 0, expect('at least one of in, gt, gte, lt and lte'))),
]);
export type PropertyTest = z.infer<typeof PropertyTest>;

const optionalCount = () => z.optional(z.number().check(z.int(), z.gte(0)));

/** What a `branch` may test about the customer, as the journey reaches it. Every key present must hold. */
export const CustomerCondition = z.strictObject({
  stage: z.optional(z.described(OneOrMany, 'In this stage (or one of these).')),
  tier: z.optional(z.described(OneOrMany, 'In this tier (or one of these).')),
  firstPurchaseSmall: z.optional(z.boolean()),
  purchaseCount: z.optional(z.strictObject({ min: optionalCount(), max: optionalCount() })),
  attribute: z.optional(
    z.strictObject({
      name: z.string().check(z.minLength(1)),
      equals: z.optional(Scalar),
      min: z.optional(z.number()),
      max: z.optional(z.number()),
    }),
  ),
  tag: z.optional(z.described(z.string().check(z.minLength(1)), 'Has this tag (set by an `update` step).')),
  emailConsent: z.optional(z.described(ConsentWanted, `Email consent: ${CONSENT_WORDS}`)),
  smsConsent: z.optional(z.described(ConsentWanted, `SMS consent: ${CONSENT_WORDS}`)),
  topic: z.optional(
    z.described(
      z.strictObject({ name: Slug, consent: ConsentWanted }),
      "The customer's consent to a topic from settings.yaml, e.g. { name: events, consent: subscribed }.",
    ),
  ),
  lastEvent: z.optional(
    z.described(
      z.union([
        EventName,
        z.strictObject({
          type: EventName,
          properties: z.optional(z.record(z.string(), Scalar)),
        }),
      ]),
      'The type of the latest event received for the customer, or { type, properties }.',
    ),
  ),
  event: z.optional(
    z.described(
      z.record(z.string().check(z.minLength(1)), PropertyTest),
      "The entry event's properties (journeys that start on an event), e.g. { category: shoes, price: { gte: 100 } }: a value, { in: [...] }, or bounds gt/gte/lt/lte (numbers and dates). Personal properties are never available.",
    ),
  ),
  mood: z.optional(
    z.described(
      z.enum(['happy', 'neutral', 'unhappy'], expect('"happy", "neutral" or "unhappy"')),
      'How the latest feedback left the customer: unhappy after a complaint, a detractor score, low satisfaction or negative sentiment; happy after a promoter score or full satisfaction.',
    ),
  ),
  nps: z.optional(z.described(Range, 'The latest NPS answer (0–10), e.g. { min: 9 } for promoters.')),
  relationship: z.optional(z.described(Range, 'The relationship score (0–100), e.g. { min: 70 }.')),
});
export type CustomerCondition = z.infer<typeof CustomerCondition>;

/** Wait until a moment in the customer's own time zone, rather than for a duration. */
export const WaitUntil = z
  .strictObject({
    timeOfDay: z.described(
      z._default(TimeOfDay, '09:00'),
      "Local time in the customer's time zone (default 09:00).",
    ),
    holiday: z.optional(
      z.described(
        OneOrMany,
        'The next day of this holiday (or of any of these), from `holidays` in settings.yaml.',
      ),
    ),
    within: z.optional(
      z.described(Duration, 'Only if that moment is at most this far away; otherwise do not wait at all.'),
    ),
    anniversary: z.optional(
      z.described(
        AnniversaryName,
        `The next anniversary of a profile date: ${PROFILE_DATE_NAMES.join(', ')} (built in, business time; an attribute of the same name is never read), or a profile attribute holding YYYY-MM-DD or MM-DD, e.g. birthday.`,
      ),
    ),
  })
  .check(
    z.refine((u) => !(u.holiday && u.anniversary), expect('at most one of "holiday" and "anniversary"')),
  );
export type WaitUntil = z.infer<typeof WaitUntil>;
