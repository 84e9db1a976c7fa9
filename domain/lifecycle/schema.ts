import { z } from 'zod';
import { Currency, Slug } from '../config/ids';
import { expect } from '../config/source';
import { EVENT_TYPES } from '../events/schema';

export const Stage = z.strictObject({
  id: Slug,
  description: z.string(expect('a sentence saying what the stage means')).min(1),
});
export type Stage = z.infer<typeof Stage>;

/** Moves a customer from one of `from` to `to` when an event of type `on` arrives. */
export const Transition = z.strictObject({
  from: z.array(Slug, expect('a list of stage ids')).min(1, expect('at least one stage id')),
  to: Slug,
  on: z.enum(EVENT_TYPES, expect(`an event type, one of ${EVENT_TYPES.map((t) => `"${t}"`).join(', ')}`)),
});
export type Transition = z.infer<typeof Transition>;

export const Lifecycle = z
  .strictObject({
    initialStage: Slug.describe('The stage of a customer Rapport has not seen buy yet.'),
    stages: z.array(Stage, expect('a list of stages')).min(1, expect('at least one stage')),
    transitions: z.array(Transition, expect('a list of transitions')),
    firstPurchase: z.strictObject({
      smallAmount: z
        .record(Currency, z.number(expect('an amount ≥ 0')).nonnegative(expect('an amount ≥ 0')))
        .describe('Per currency: a first purchase at or below this amount is flagged small.'),
    }),
  })
  .describe("The stages of a customer's relationship and the rules that move customers between them.");
export type Lifecycle = z.infer<typeof Lifecycle>;
