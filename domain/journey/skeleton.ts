import * as z from 'zod';
import { Duration } from '../config/duration';

/**
 * The parts of a step the graph checks read (where it leads, how long it may hold a customer, whether it
 * sends). A step with a faulty field elsewhere (a misspelt template, a missing topic) still has them, so
 * the graph, holdout and limit checks run on it too and one `validate` shows every problem. Every full
 * `Step` is also a `GraphStep`.
 */
const Target = z.string();
const base = { id: z.string(), next: Target.optional() };

export const GraphStep = z.discriminatedUnion('type', [
  z.looseObject({
    ...base,
    type: z.literal('send'),
    category: z.enum(['marketing', 'transactional']).optional(),
  }),
  z.looseObject({
    ...base,
    type: z.literal('wait'),
    duration: z.optional(Duration),
    until: z
      .looseObject({
        holiday: z.unknown().optional(),
        anniversary: z.unknown().optional(),
        within: z.optional(Duration),
      })
      .optional(),
  }),
  z.looseObject({
    id: z.string(),
    type: z.literal('wait-for-event'),
    timeout: Duration,
    onEvent: Target,
    onTimeout: Target,
  }),
  z.looseObject({
    id: z.string(),
    type: z.literal('branch'),
    paths: z.array(z.looseObject({ next: Target })).min(1),
    default: Target,
  }),
  z.looseObject({
    id: z.string(),
    type: z.literal('split'),
    paths: z
      .array(
        z.looseObject({
          name: z.unknown(),
          next: Target,
          holdout: z.boolean().optional(),
        }),
      )
      .min(1),
  }),
  z.looseObject({ ...base, type: z.literal('update') }),
  z.looseObject({ ...base, type: z.literal('task') }),
  z.looseObject({ id: z.string(), type: z.literal('exit') }),
]);
export type GraphStep = z.infer<typeof GraphStep>;

/** What the graph checks need of a journey: its steps, in order. */
export interface JourneyGraphInput {
  steps: readonly GraphStep[];
}

/**
 * The steps of a raw journey document as graph steps, or undefined when any step's graph fields are
 * themselves broken (no id, an unknown type, a `next` that is not a text): then the graph is unknown.
 */
export function graphStepsOf(data: unknown): GraphStep[] | undefined {
  const steps = (data as { steps?: unknown } | null | undefined)?.steps;
  if (!Array.isArray(steps) || steps.length === 0) return undefined;
  const parsed = steps.map((s) => GraphStep.safeParse(s));
  return parsed.every((p) => p.success) ? parsed.map((p) => p.data!) : undefined;
}
