import { z } from 'zod';
import { Duration } from '../config/duration';
import { Slug } from '../config/ids';
import { expect } from '../config/source';
import { EVENT_TYPES } from '../events/schema';

const StepId = Slug.describe('Unique within the journey; becomes the Step Functions state name.');
const TemplateId = Slug.describe('A folder under workflows/templates/ holding one file per locale.');

export const SendStep = z
  .strictObject({
    id: StepId,
    type: z.literal('send'),
    channel: z.literal('email', expect('"email" (SMS arrives in a later version)')),
    template: TemplateId,
  })
  .describe('Send one message to the customer, rendered in their locale.');
export type SendStep = z.infer<typeof SendStep>;

export const WaitStep = z
  .strictObject({
    id: StepId,
    type: z.literal('wait'),
    duration: Duration,
  })
  .describe('Pause the journey for this customer, e.g. "3d".');
export type WaitStep = z.infer<typeof WaitStep>;

export const ExitStep = z
  .strictObject({ id: StepId, type: z.literal('exit') })
  .describe('End the journey for this customer.');
export type ExitStep = z.infer<typeof ExitStep>;

export const STEP_TYPES = ['send', 'wait', 'exit'] as const;

export const Step = z.discriminatedUnion('type', [SendStep, WaitStep, ExitStep], {
  error: `expected: a step type, one of ${STEP_TYPES.map((t) => `"${t}"`).join(', ')}`,
});
export type Step = z.infer<typeof Step>;

const Scalar = z.union([z.string(), z.number(), z.boolean()], expect('a text, number or true/false value'));

export const JourneyEntry = z
  .strictObject({
    stage: Slug.optional().describe('Start when a customer enters this lifecycle stage.'),
    tier: Slug.optional().describe('Start when a customer enters this tier (e.g. vip).'),
    event: z
      .enum(EVENT_TYPES, expect(`an event type, one of ${EVENT_TYPES.map((t) => `"${t}"`).join(', ')}`))
      .optional()
      .describe('Start when an event of this type arrives.'),
    where: z
      .record(z.string(), Scalar)
      .optional()
      .describe('Only customers whose profile has exactly these values, e.g. { firstPurchaseSmall: true }.'),
  })
  .refine(
    (e) => [e.stage, e.tier, e.event].filter((x) => x !== undefined).length === 1,
    expect('exactly one of "stage" (a lifecycle stage), "tier" (a customer tier) or "event" (an event type)'),
  );
export type JourneyEntry = z.infer<typeof JourneyEntry>;

export const Journey = z
  .strictObject({
    id: Slug,
    version: z
      .number(expect('a whole number ≥ 1; raise it when you change the journey'))
      .int(expect('a whole number ≥ 1'))
      .min(1, expect('a whole number ≥ 1')),
    description: z.string(expect('a sentence saying what the journey is for')).min(1),
    entry: JourneyEntry,
    steps: z.array(Step, expect('a list of steps')).min(1, expect('at least one step')),
  })
  .describe('A Rapport journey: who enters it and the steps each customer goes through.');
export type Journey = z.infer<typeof Journey>;
