import * as z from 'zod';
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
export const OneOrMany = Slug.or(z.array(Slug).min(1));

/**
 * An event type a journey names: a built-in one, or one declared in settings.yaml `customEvents`
 * (validate checks it is declared: the schema alone cannot know the project's events).
 */
export const EventName = z
  .union([z.enum(EVENT_TYPES), Slug], expect('an event type, e.g. "purchase" or a declared "product-viewed"'))
  .describe('A built-in event type, or one declared in settings.yaml `customEvents`.');

const Range = z
  .strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((r) => r.min !== undefined || r.max !== undefined, expect('at least one of min and max'));

const ConsentState = z.enum(
  ['subscribed', 'unknown', 'unsubscribed'],
  expect('"subscribed", "unknown" or "unsubscribed"'),
);
/** One consent state, or any of several (e.g. [subscribed, unknown]: everyone who has not opted out). */
const ConsentWanted = ConsentState.or(z.array(ConsentState).min(1));
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
export const PropertyTest = Scalar.or(
  z
    .strictObject({
      in: z.array(Scalar).min(1).optional(),
      gt: Bound.optional(),
      gte: Bound.optional(),
      lt: Bound.optional(),
      lte: Bound.optional(),
    })
    .refine((t) => Object.keys(t).length > 0, expect('at least one of in, gt, gte, lt and lte')),
);
export type PropertyTest = z.infer<typeof PropertyTest>;

/** What a `branch` may test about the customer, as the journey reaches it. Every key present must hold. */
export const CustomerCondition = z.strictObject({
  stage: OneOrMany.describe('In this stage (or one of these).').optional(),
  tier: OneOrMany.describe('In this tier (or one of these).').optional(),
  firstPurchaseSmall: z.boolean().optional(),
  purchaseCount: z
    .strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })
    .optional(),
  attribute: z
    .strictObject({
      name: z.string().min(1),
      equals: Scalar.optional(),
      min: z.number().optional(),
      max: z.number().optional(),
    })
    .optional(),
  tag: z.string().min(1).describe('Has this tag (set by an `update` step).').optional(),
  emailConsent: ConsentWanted.describe(`Email consent: ${CONSENT_WORDS}`).optional(),
  smsConsent: ConsentWanted.describe(`SMS consent: ${CONSENT_WORDS}`).optional(),
  topic: z
    .strictObject({ name: Slug, consent: ConsentWanted })
    .describe(
      "The customer's consent to a topic from settings.yaml, e.g. { name: events, consent: subscribed }.",
    )
    .optional(),
  lastEvent: EventName.or(
    z.strictObject({
      type: EventName,
      properties: z.record(z.string(), Scalar).optional(),
    }),
  )
    .describe('The type of the latest event received for the customer, or { type, properties }.')
    .optional(),
  event: z
    .record(z.string().min(1), PropertyTest)
    .describe(
      "The entry event's properties (journeys that start on an event), e.g. { category: shoes, price: { gte: 100 } }: a value, { in: [...] }, or bounds gt/gte/lt/lte (numbers and dates). Personal properties are never available.",
    )
    .optional(),
  mood: z
    .enum(['happy', 'neutral', 'unhappy'], expect('"happy", "neutral" or "unhappy"'))
    .describe(
      'How the latest feedback left the customer: unhappy after a complaint, a detractor score, low satisfaction or negative sentiment; happy after a promoter score or full satisfaction.',
    )
    .optional(),
  nps: Range.describe('The latest NPS answer (0–10), e.g. { min: 9 } for promoters.').optional(),
  relationship: Range.describe('The relationship score (0–100), e.g. { min: 70 }.').optional(),
});
export type CustomerCondition = z.infer<typeof CustomerCondition>;

/** Wait until a moment in the customer's own time zone, rather than for a duration. */
export const WaitUntil = z
  .strictObject({
    timeOfDay: TimeOfDay.default('09:00').describe("Local time in the customer's time zone (default 09:00)."),
    holiday: OneOrMany.describe(
      'The next day of this holiday (or of any of these), from `holidays` in settings.yaml.',
    ).optional(),
    within: Duration.describe(
      'Only if that moment is at most this far away; otherwise do not wait at all.',
    ).optional(),
    anniversary: AnniversaryName.describe(
      `The next anniversary of a profile date: ${PROFILE_DATE_NAMES.join(', ')} (built in, business time; an attribute of the same name is never read), or a profile attribute holding YYYY-MM-DD or MM-DD, e.g. birthday.`,
    ).optional(),
  })
  .refine((u) => !(u.holiday && u.anniversary), expect('at most one of "holiday" and "anniversary"'));
export type WaitUntil = z.infer<typeof WaitUntil>;
