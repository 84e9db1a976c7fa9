import * as z from 'zod';

/** What a scenario file (tests/scenarios/*.yaml) may say: see scenario.ts. */
const Timed = { at: z.iso.datetime({ offset: true }) };
export const Scenario = z.strictObject({
  title: z.string(),
  start: z.iso.datetime({ offset: true }),
  until: z.iso.datetime({ offset: true }),
  /**
   * Journeys this scenario adds to the shipped ones (files beside this module, or absolute paths: a journey
   * a test wrote, as the Pinpoint import does), for a feature no shipped journey uses: the shipped
   * scenarios' outcomes stay as they are.
   */
  journeys: z.array(z.string()).default([]),
  /** false: only the scenario's own journeys, for a feature whose figures the shipped journeys would blur. */
  shippedJourneys: z.boolean().default(true),
  /** Template folders (beside this module) the scenario's own journeys send, added the same way. */
  templates: z.array(z.string()).default([]),
  /** settings.yaml `controlGroup` for this scenario (the shipped one holds no one out). */
  controlGroup: z.strictObject({ percent: z.number(), salt: z.string() }).optional(),
  /** settings.yaml `exclusiveGroups` made to wait (onHigherPriority: wait) for this scenario. */
  waitGroups: z.array(z.string()).default([]),
  /** How often the sweeper runs (default daily, at the start time of day). */
  sweepEvery: z.enum(['hourly', 'daily']).default('daily'),
  customers: z.record(
    z.string(),
    z.strictObject({
      email: z.string(),
      locale: z.string().default('en'),
      firstName: z.string().optional(),
      timeZone: z.string().optional(),
      phone: z.string().optional(),
      preferredChannel: z.enum(['email', 'sms']).optional(),
      consent: z
        .strictObject({
          email: z.enum(['subscribed', 'unsubscribed']).optional(),
          sms: z.enum(['subscribed', 'unsubscribed']).optional(),
          topics: z.record(z.string(), z.enum(['subscribed', 'unsubscribed'])).optional(),
        })
        .optional(),
      attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      purchases: z
        .array(
          z.strictObject({
            ...Timed,
            amount: z.number(),
            currency: z.string().default('CNY'),
            /** When the event reaches Rapport, for a back-filled purchase (default: its `at`). */
            ingestedAt: z.iso.datetime({ offset: true }).optional(),
          }),
        )
        .default([]),
      /** Survey answers, as the score links of a survey email would record them. */
      feedback: z
        .array(
          z.strictObject({
            ...Timed,
            survey: z.enum(['nps', 'csat']),
            score: z.number(),
            comment: z.string().optional(),
          }),
        )
        .default([]),
      complaints: z.array(z.strictObject({ ...Timed, text: z.string().optional() })).default([]),
      /** The arm the customer takes at a split, by `<journey>/<split step>`, whatever their bucket says. */
      arms: z.record(z.string().regex(/^[^/]+\/[^/]+$/), z.string()).default({}),
      /** Events of types declared in settings.yaml `customEvents`, e.g. product-viewed. */
      events: z
        .array(
          z.strictObject({
            ...Timed,
            type: z.string(),
            properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
          }),
        )
        .default([]),
      /** What the customer does with an email sent them: opens it, or clicks its first tracked link. */
      engagement: z
        .array(z.strictObject({ ...Timed, template: z.string(), action: z.enum(['open', 'click']) }))
        .default([]),
    }),
  ),
  expect: z.strictObject({
    messages: z.array(
      z.strictObject({
        customer: z.string(),
        template: z.string(),
        locale: z.string(),
        channel: z.enum(['email', 'sms']).default('email'),
        ...Timed,
        /** Text the email's subject and text part must contain (e.g. the product an event named). */
        contains: z.string().optional(),
      }),
    ),
    tasks: z.array(z.strictObject({ customer: z.string(), assignee: z.string(), ...Timed })).default([]),
    stages: z.record(z.string(), z.string()).default({}),
    tiers: z.record(z.string(), z.string()).default({}),
    conversions: z.array(z.strictObject({ customer: z.string(), journey: z.string() })).default([]),
    /** The tags of these customers' profiles at the end (sorted), e.g. what an `update` step added. */
    tags: z.record(z.string(), z.array(z.string())).default({}),
  }),
});
export type Scenario = z.infer<typeof Scenario>;
