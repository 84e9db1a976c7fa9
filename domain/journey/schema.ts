import * as z from 'zod';
import { described } from '../zod';
import { Duration } from '../config/duration';
import { YearlyDuration } from '../config/yearly-duration';
import { Slug, TimeOfDay } from '../config/ids';
import { expect } from '../config/problems';
import { RESERVED_SUFFIXES } from './compile/names';
import { AnniversaryName, PROFILE_DATE_NAMES } from './anniversary';
import { CustomerCondition, EventName, OneOrMany, Scalar, WaitUntil } from './step-inputs';

export { CustomerCondition, WaitUntil } from './step-inputs';

// The compiler names a step's extra states `<id><suffix>`: an id ending in a suffix could take the name of
// another step's extra state (a step `hello-deferred` would replace the deferral Task of `hello`).
const StepId = described(
  Slug.check(
    z.refine(
      (id) => !RESERVED_SUFFIXES.some((suffix) => id.endsWith(suffix)),
      expect(
        `a step id that does not end in ${RESERVED_SUFFIXES.map((s) => `"${s}"`).join(', ')} (the compiler names its own states so): rename the step, e.g. "hello-deferred" to "hello-later"`,
      ),
    ),
  ),
  'Unique within the journey; becomes the Step Functions state name.',
);
const TemplateId = described(Slug, 'A folder under workflows/templates/ holding one file per locale.');
const Next = described(Slug, 'The step to go to next (default: the step below; none: the journey ends).');
export const SendStep = z
  .strictObject({
    id: StepId,
    type: z.literal('send'),
    channel: z
      .enum(['email', 'sms', 'preferred'], expect('"email", "sms" or "preferred"'))
      .describe(
        "email, sms, or preferred: the customer's preferred channel if it reaches them, else the other one.",
      ),
    template: TemplateId,
    category: z
      .enum(['marketing', 'transactional'], expect('"marketing" or "transactional"'))
      .default('marketing')
      .describe(
        'Marketing messages need consent as settings.yaml `consent` says (SMS: an explicit opt-in by default); transactional ones (receipts, service notices) do not.',
      ),
    topic: z.optional(
      described(
        Slug,
        'What a marketing message is about, one of `topics` in settings.yaml (e.g. offers, events): customers may opt out of each.',
      ),
    ),
    priority: z
      .enum(['normal', 'high'], expect('"normal" or "high"'))
      .default('normal')
      .describe('High-priority messages (a VIP invitation) may use the frequency-cap slots kept for them.'),
    survey: z
      .enum(['nps', 'csat'], expect('"nps" (0–10) or "csat" (1–5)'))
      .describe(
        'Makes the email a survey: the template gets `survey.links`, one signed one-click link per score; answers arrive as `feedback` events.',
      )
      .optional(),
    next: z.optional(Next),
  })
  .refine((s) => s.survey === undefined || s.channel === 'email', {
    error: 'expected: channel: email for a survey (its score links live in the email)',
    path: ['channel'],
  })
  .refine((s) => s.category === 'transactional' || s.topic !== undefined, {
    error: 'expected: a topic for a marketing message, e.g. topic: offers (see `topics` in settings.yaml)',
    path: ['topic'],
  })
  .describe('Send one message to the customer, rendered in their locale.');
export type SendStep = z.infer<typeof SendStep>;

export const WaitStep = z
  .strictObject({
    id: StepId,
    type: z.literal('wait'),
    duration: z.optional(Duration),
    until: z.optional(WaitUntil),
    next: z.optional(Next),
  })
  .refine(
    (w) => (w.duration === undefined) !== (w.until === undefined),
    expect('exactly one of "duration" (e.g. 3d) or "until" (e.g. { timeOfDay: "10:00" })'),
  )
  .describe(
    'Pause the journey for this customer: for a duration ("3d"), or until a local time, holiday or anniversary.',
  );
export type WaitStep = z.infer<typeof WaitStep>;

export const ExitStep = z
  .strictObject({ id: StepId, type: z.literal('exit') })
  .describe('End the journey for this customer.');
export type ExitStep = z.infer<typeof ExitStep>;

export const BranchStep = z
  .strictObject({
    id: StepId,
    type: z.literal('branch'),
    paths: z
      .array(z.strictObject({ name: Slug, when: CustomerCondition, next: Next }))
      .min(1, expect('at least one path'))
      .describe('Tried top to bottom: the customer takes the first path whose `when` holds.'),
    default: described(Next, 'Where customers go when no path matches.'),
  })
  .describe('Treat customers differently: by stage, tier, attributes, tags, consent or last event.');
export type BranchStep = z.infer<typeof BranchStep>;

/** A split's total, rounded as people write percentages (33.3 + 33.3 + 33.3 reads 99.9, not 99.89999). */
const percentTotal = (paths: readonly { percent: number }[]) =>
  Math.round(paths.reduce((sum, p) => sum + p.percent, 0) * 1e6) / 1e6;

/** A journey's priority when it states none. */
export const DEFAULT_JOURNEY_PRIORITY = 0;

/** Fewer customers per arm than this never get a verdict (MIN_ARM_CUSTOMERS, the console's and simulator's). */
export const MIN_EXPERIMENT_SAMPLE = 30;

export const Experiment = z
  .strictObject({
    metric: z
      .strictObject({
        event: described(
          EventName,
          "The journey's goal event: a built-in type or one declared in customEvents.",
        ),
        within: z
          ._default(YearlyDuration, '30d')
          .describe(
            'A customer converts when the event comes this long at most after the split (or 1y: a calendar year); counted once it has passed.',
          ),
      })
      .describe("What the experiment measures: the journey's goal event within a window from the split."),
    minSample: z
      .number(expect(`a whole number of customers per arm, at least ${MIN_EXPERIMENT_SAMPLE}`))
      .int(expect(`a whole number of customers per arm, at least ${MIN_EXPERIMENT_SAMPLE}`))
      .min(
        MIN_EXPERIMENT_SAMPLE,
        expect(`at least ${MIN_EXPERIMENT_SAMPLE} customers per arm (fewer give no verdict)`),
      )
      .describe('Customers per arm whose window has passed before a verdict is given.'),
    onWinner: z
      .enum(['route', 'report'], expect('"route" (send new entrants to the winner) or "report"'))
      .default('report')
      .describe(
        'route: once an arm beats the control significantly, new entrants outside the holdout take it (the holdout keeps its share, to keep measuring); report: only record the verdict.',
      ),
  })
  .describe(
    'Makes the split an experiment: the sweeper compares each arm with the control and records a verdict.',
  );
export type Experiment = z.infer<typeof Experiment>;

export const SplitStep = z
  .strictObject({
    id: StepId,
    type: z.literal('split'),
    experiment: Experiment.optional(),
    paths: z
      .array(
        z.strictObject({
          name: Slug,
          percent: z.number().positive(expect('a share above 0')).max(100, expect('a share of at most 100')),
          next: Next,
          holdout: z
            .boolean()
            .optional()
            .describe('A control group: measured, but sent nothing on this path.'),
        }),
      )
      .min(2, expect('at least two paths'))
      .refine((paths) => Math.abs(percentTotal(paths) - 100) < 1e-9, {
        error: (issue) =>
          `expected: percentages that add up to 100%: the paths add up to ${percentTotal(issue.input as { percent: number }[])}%`,
      }),
  })
  .describe(
    'Random, but fixed per customer: the same customer always takes the same path. Recorded for measurement.',
  );
export type SplitStep = z.infer<typeof SplitStep>;

export const UpdateStep = z
  .strictObject({
    id: StepId,
    type: z.literal('update'),
    set: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/), Scalar)
      .optional()
      .describe('Profile attributes to set.'),
    addTags: z.array(Slug).optional(),
    removeTags: z.array(Slug).optional(),
    next: z.optional(Next),
  })
  .refine(
    (u) => u.set !== undefined || u.addTags !== undefined || u.removeTags !== undefined,
    expect('at least one of set, addTags, removeTags'),
  )
  .describe('Change the customer profile: set attributes, add or remove tags.');
export type UpdateStep = z.infer<typeof UpdateStep>;

export const TaskStep = z
  .strictObject({
    id: StepId,
    type: z.literal('task'),
    assignee: described(Slug, 'Who should act, e.g. relationship-manager, store-manager, service-team.'),
    title: z
      .string(
        expect('what the person should do, e.g. "Call this customer: they have not bought for 90 days"'),
      )
      .min(1)
      .max(200),
    priority: z.enum(['low', 'normal', 'high']).default('normal'),
    next: z.optional(Next),
  })
  .describe('Ask a person to act (e.g. a relationship manager to call): published as an EventBridge event.');
export type TaskStep = z.infer<typeof TaskStep>;

export const WaitForEventStep = z
  .strictObject({
    id: StepId,
    type: z.literal('wait-for-event'),
    event: EventName,
    message: z.optional(
      described(
        StepId,
        'For email-delivered, email-opened, email-clicked or sms-delivered: the send step whose message this waits on (default: the send every way here passes last).',
      ),
    ),
    timeout: described(Duration, 'How long to wait before taking `onTimeout`.'),
    onEvent: described(Next, 'Where the customer goes when the event arrives in time.'),
    onTimeout: described(Next, 'Where the customer goes when it does not.'),
  })
  .describe(
    "Wait up to `timeout` for an event from the customer (e.g. a purchase, or email-clicked on this journey's email), and branch on which came first.",
  );
export type WaitForEventStep = z.infer<typeof WaitForEventStep>;

export const STEP_TYPES = [
  'send',
  'wait',
  'wait-for-event',
  'branch',
  'split',
  'update',
  'task',
  'exit',
] as const;

export const Step = z.discriminatedUnion(
  'type',
  [SendStep, WaitStep, WaitForEventStep, BranchStep, SplitStep, UpdateStep, TaskStep, ExitStep],
  {
    error: `expected: a step type, one of ${STEP_TYPES.map((t) => `"${t}"`).join(', ')}`,
  },
);
export type Step = z.infer<typeof Step>;

/** A yearly moment in the customer's own time zone: a date-triggered journey starts then. */
export const DateEntry = z
  .strictObject({
    anniversary: z.optional(
      described(
        AnniversaryName,
        `Every year on a profile date: ${PROFILE_DATE_NAMES.join(', ')} (built in; business time: the local day the purchase happened in the customer's time zone, from the year after; an attribute of the same name is never read), or a profile attribute holding YYYY-MM-DD or MM-DD, e.g. birthday.`,
      ),
    ),
    holiday: z.optional(
      described(OneOrMany, 'On each day of this holiday (or of these), from `holidays` in settings.yaml.'),
    ),
    timeOfDay: z
      ._default(TimeOfDay, '09:00')
      .describe("Local time in the customer's time zone (default 09:00)."),
  })
  .refine(
    (d) => (d.anniversary === undefined) !== (d.holiday === undefined),
    expect('exactly one of "anniversary" (e.g. birthday) or "holiday" (e.g. spring-festival)'),
  );
export type DateEntry = z.infer<typeof DateEntry>;

export const JourneyEntry = z
  .strictObject({
    stage: z.optional(Slug).describe('Start when a customer enters this lifecycle stage.'),
    tier: z.optional(Slug).describe('Start when a customer enters this tier (e.g. vip).'),
    event: z
      .union([EventName, z.array(EventName).min(1)])
      .optional()
      .describe('Start when an event of this type (or one of these types) arrives.'),
    date: DateEntry.describe(
      "Start every year on a date: the customer's birthday, or a holiday. Found by the sweeper, no execution waits.",
    ).optional(),
    where: z.optional(
      described(
        CustomerCondition,
        'Only customers for whom this holds at that moment, e.g. { firstPurchaseSmall: true } or { stage: [active, loyal] }.',
      ),
    ),
  })
  .refine(
    (e) => [e.stage, e.tier, e.event, e.date].filter((x) => x !== undefined).length === 1,
    expect(
      'exactly one of "stage" (a lifecycle stage), "tier" (a customer tier), "event" (an event type) or "date" (a birthday or holiday)',
    ),
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
    goal: z
      .strictObject({
        event: EventName,
        within: z
          ._default(YearlyDuration, '30d')
          .describe(
            'How long after entering a goal event counts as a conversion (or 1y: a calendar year, UTC).',
          ),
      })
      .describe(
        'The event this journey works towards: it ends the journey for the customer, wherever they are, and counts as a conversion.',
      )
      .optional(),
    reEntry: z
      .union(
        [
          z.enum(['once', 'always']),
          z.strictObject({
            every: described(
              YearlyDuration,
              'At most this often, from the previous entry: e.g. 30d, or 1y for a calendar year (the same month and day next year in the customer’s time zone; from 29 February, 28 February).',
            ),
          }),
        ],
        expect('"once", "always" or { every: 30d } (or { every: 1y })'),
      )
      .default('once')
      .describe(
        'Whether a customer may enter again: once ever (default), always, or at most every so often.',
      ),
    priority: z
      .number(expect('a whole number; higher wins (default 0)'))
      .int(expect('a whole number; higher wins (default 0)'))
      .default(DEFAULT_JOURNEY_PRIORITY)
      .describe(
        'Within an `exclusive` group, a higher number wins: its entry pre-empts a lower-priority journey of the group the customer is in; an equal or lower one is not started while the customer is in another journey of the group.',
      ),
    exclusive: z.optional(
      described(
        Slug,
        'A group from `exclusiveGroups` in settings.yaml: a customer is in at most one journey of the group at a time.',
      ),
    ),
  })
  .describe('A Rapport journey: who enters it and the steps each customer goes through.');
export type Journey = z.infer<typeof Journey>;
