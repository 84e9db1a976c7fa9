import * as z from 'zod';
import { described } from '../zod';
import { Duration } from '../config/duration';
import { YearlyDuration } from '../config/span';
import { Currency, Slug } from '../config/ids';
import { expect } from '../config/problems';

const Count = z
  .number(expect('a whole number ≥ 0'))
  .int(expect('a whole number ≥ 0'))
  .min(0, expect('a whole number ≥ 0'));
const Amounts = z
  .record(Currency, z.number(expect('an amount ≥ 0')).nonnegative(expect('an amount ≥ 0')))
  .refine((r) => Object.keys(r).length > 0, expect('at least one currency, e.g. { CNY: 5000 }'));

/**
 * Facts about a customer's purchases that a stage rule may test; every key present must hold. Each fact
 * depends only on the set of purchases and the time, never on the order events arrived in.
 */
const BaseCondition = z.strictObject({
  purchaseCount: z
    .strictObject({ min: Count.optional(), max: Count.optional() })
    .describe('How many purchases the customer has made in all, e.g. { max: 0 } or { min: 2 }.')
    .optional(),
  noPurchaseFor: z.optional(
    described(
      YearlyDuration,
      'No purchase for at least this long, e.g. 90d, or 1y (a calendar year, from the last purchase).',
    ),
  ),
  purchasesWithin: z
    .strictObject({ window: YearlyDuration, min: Count })
    .describe(
      'At least `min` purchases in the `window` ending now: each purchase stops counting once the window has passed it.',
    )
    .optional(),
  spendWithin: z
    .strictObject({ window: YearlyDuration, min: Amounts })
    .describe(
      'Spent at least this much (in any one listed currency) in the `window` ending now: each purchase stops counting once the window has passed it.',
    )
    .optional(),
  returnedAfter: z.optional(
    described(YearlyDuration, 'The latest purchase came after a gap of at least this long.'),
  ),
  attribute: z
    .strictObject({
      name: z.string(expect('the name of a customer attribute, e.g. "assetsUnderManagement"')).min(1),
      min: z.number().optional(),
      max: z.number().optional(),
      equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    })
    .describe('A customer attribute (sent in events as customer.attributes) is in range or equal to a value.')
    .optional(),
  relationship: z
    .strictObject({ min: z.number().min(0).max(100).optional(), max: z.number().min(0).max(100).optional() })
    .describe(
      'The relationship score (0–100, see README) as of the latest purchase, feedback or complaint, e.g. { min: 80 } for a class of devoted customers.',
    )
    .optional(),
});
export type BaseCondition = z.infer<typeof BaseCondition>;

export const Condition = BaseCondition.extend({
  any: z.array(BaseCondition).min(1).describe('Holds if any one of these holds (each an all-of).').optional(),
});
export type Condition = z.infer<typeof Condition>;

export const StageRule = z.strictObject({
  id: Slug,
  description: z.string(expect('a sentence saying what the stage means')).min(1),
  when: Condition.describe('Facts that place a customer in this stage; {} matches everyone.'),
});
export type StageRule = z.infer<typeof StageRule>;

/** A class of customer (e.g. vip, regular), treated differently by journeys. Same rules as stages. */
export const TierRule = StageRule;
export type TierRule = StageRule;

/** How Rapport answers a bad experience: with care, not more marketing. */
export const Care = z.strictObject({
  pauseMarketing: z
    ._default(Duration, '30d')
    .describe(
      'How long no marketing message goes to a customer after a complaint, a detractor score, low satisfaction or negative sentiment.',
    ),
  detractorAtMost: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(6)
    .describe('NPS at or below this is a detractor.'),
  promoterAtLeast: z.number().int().min(0).max(10).default(9).describe('NPS at or above this is a promoter.'),
  dissatisfiedAtMost: z
    .number()
    .int()
    .min(1)
    .max(5)
    .default(2)
    .describe('Satisfaction (1–5) at or below this is unhappy.'),
  monetaryTarget: z
    .number()
    .positive()
    .default(5000)
    .describe('Spend within the look-back window that counts as full marks in the relationship score.'),
});
export type Care = z.infer<typeof Care>;

export const Lifecycle = z
  .strictObject({
    stages: z
      .array(StageRule, expect('a list of stages'))
      .min(1, expect('at least one stage'))
      .describe('Evaluated top to bottom: a customer is in the first stage whose `when` holds.'),
    tiers: z
      .array(TierRule, expect('a list of tiers'))
      .min(1, expect('at least one tier'))
      .default([{ id: 'regular', description: 'Every customer (no tiers configured).', when: {} }])
      .describe(
        'Evaluated top to bottom like stages: a customer is in the first tier whose `when` holds. Without it, everyone is `regular`.',
      ),
    firstPurchase: z.strictObject({
      smallAmount: z
        .record(Currency, z.number(expect('an amount ≥ 0')).nonnegative(expect('an amount ≥ 0')))
        .describe('Per currency: a first purchase at or below this amount is flagged small.'),
    }),
    care: Care.default({
      pauseMarketing: '30d',
      detractorAtMost: 6,
      promoterAtLeast: 9,
      dissatisfiedAtMost: 2,
      monetaryTarget: 5000,
    }).describe('Feedback, complaints and the relationship score.'),
  })
  .describe("The stages of a customer's relationship, as rules over their purchases and time.");
export type Lifecycle = z.infer<typeof Lifecycle>;
