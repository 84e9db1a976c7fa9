import * as z from '../zod';
import type { CustomerStore, ExecutionEnded } from '../ports';

/**
 * The end of a journey's execution, told by Step Functions itself: every Standard execution's status
 * change goes to the account's default EventBridge bus as a "Step Functions Execution Status Change"
 * event (source aws.states), and a rule on the journeys' state machines queues the ends for the sweep
 * worker (infra/sweeping.ts); locally the emulator emits the same event (local/execution-ends.ts). The
 * end is recorded on the customer's journey entry, so an exclusive group is free the moment its journey
 * ends rather than when the journey's worst case (`activeUntil`, still the backstop for a lost event) passes.
 */
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
export const EXECUTION_EVENT_SOURCE = 'aws.states';
export const END_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** The event as EventBridge delivers it (the fields read here; dates are epoch milliseconds). */
export const ExecutionStatusChange = z.object({
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
  source: z.literal(EXECUTION_EVENT_SOURCE),
  time: z.string(),
  detail: z.object({
    executionArn: z.string().check(z.minLength(1)),
    stateMachineArn: z.string().check(z.minLength(1)),
    name: z.string().check(z.minLength(1)),
    status: z.string(),
    startDate: z.number(),
    stopDate: z.nullish(z.number()),
    // Left out (null) when larger than EventBridge's event allows (inputDetails.included false).
    input: z.nullish(z.string()),
  }),
});
export type ExecutionStatusChange = z.infer<typeof ExecutionStatusChange>;

/** Whether a queue message is such an event (the sweep queue carries sweep work too). */
export const isExecutionStatusChange = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  (body as Record<string, unknown>)['detail-type'] === EXECUTION_STATUS_CHANGE;

/** The journey input fields that name the entry: every journey's execution starts with them. */
const EntryInput = z.object({
  customerId: z.string().check(z.minLength(1)),
  journeyId: z.string().check(z.minLength(1)),
});

export interface ExecutionEnd {
  customerId: string;
  journeyId: string;
  executionName: string;
  executionArn: string;
  ended: ExecutionEnded;
}

export type EndOutcome =
  | { kind: 'recorded' | 'already-recorded'; end: ExecutionEnd }
  /** A status that is not an end (RUNNING), an input not a journey's, or no input to read the customer from. */
  | { kind: 'ignored'; why: 'not-an-end' | 'no-journey-input' };

/** The end an event tells of, or why it tells of none. */
export function executionEndOf(
  event: ExecutionStatusChange,
): ExecutionEnd | Extract<EndOutcome, { kind: 'ignored' }> {
  const { detail } = event;
  const status = END_STATUSES.find((s) => s === detail.status);
  if (status === undefined) return { kind: 'ignored', why: 'not-an-end' };
  const input = EntryInput.safeParse(parseJson(detail.input));
  if (!input.success) return { kind: 'ignored', why: 'no-journey-input' };
  const at = new Date(detail.stopDate ?? Date.parse(event.time)).toISOString();
  return {
    customerId: input.data.customerId,
    journeyId: input.data.journeyId,
    executionName: detail.name,
    executionArn: detail.executionArn,
    ended: { at, status },
  };
}

/**
 * Records the end on the entry: once (a redelivered event finds it recorded), and never on an entry that
 * is not there (an erased customer's: the write is conditional, see CustomerStore.recordJourneyEnd).
 */
export async function recordExecutionEnd(
  event: ExecutionStatusChange,
  deps: { store: Pick<CustomerStore, 'recordJourneyEnd'> },
): Promise<EndOutcome> {
  const end = executionEndOf(event);
  if ('kind' in end) return end;
  const recorded = await deps.store.recordJourneyEnd(end, end.ended);
  return { kind: recorded ? 'recorded' : 'already-recorded', end };
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
