import { createHash } from 'node:crypto';
import * as z from '../zod';
import { assertNever } from '../assert-never';
import type { Clock } from '../clock';
import { zodProblems } from '../config/problems';
import { InvalidTaskInputError, ProfileNotFoundError } from '../errors';
import type { CustomerStore } from '../ports';
import { applyStepUpdate, StepUpdate } from '../profile/update';
import { deferralOf, type DeferralResult } from '../messages/deferral';
import { recordSendFailure, type SendFailureResult } from '../messages/failure';
import { pickSplitPath, splitBucket } from './conditions';
import {
  BranchPaths,
  decideBranch,
  decideFusedBranch,
  FusedBranch,
  recordPath,
  type Decision,
} from './decision';
import { routedArm } from '../experiments/verdict';
import type { VerdictReader } from '../experiments/verdict-cache';
import { explainSplit } from './explain';
import { EntryEventProperties, WaitUntil } from './step-inputs';
import { engagementSubject } from '../events/types';
import { stepKey } from '../step-key';
import { nextUntil, type ScheduledAt } from './wait-until';

const base = {
  customerId: z.string().check(z.minLength(1)),
  journeyId: z.string().check(z.minLength(1)),
  journeyVersion: z.number().check(z.int(), z.gte(1)),
  stepId: z.string().check(z.minLength(1)),
  executionId: z.string().check(z.minLength(1)),
};

/** What the compiled `branch`, `split`, `update`, wait-until, wait-for-event, `<send>-deferred` and `<send>-failed` states pass to the journey-step task (see compileJourney). */
export const JourneyStepInput = z.discriminatedUnion('action', [
  z.strictObject({
    ...base,
    action: z.literal('branch'),
    paths: BranchPaths,
    /** The entry event's properties, passed only when a path tests them. */
    event: z.optional(EntryEventProperties),
  }),
  z.strictObject({
    ...base,
    action: z.literal('split'),
    paths: z
      .array(z.strictObject({ name: z.string(), percent: z.number(), holdout: z.boolean() }))
      .check(z.minLength(1)),
    /** The split runs an experiment that routes new entrants to its winner once one is recorded. */
    route: z.optional(z.literal(true)),
  }),
  z.strictObject({
    ...base,
    action: z.literal('await'),
    event: z.string().check(z.minLength(1)),
    /** An engagement wait: the send step whose message it waits on (see engagedSendOf). */
    messageStep: z.optional(z.string().check(z.minLength(1))),
    taskToken: z.string().check(z.minLength(1)),
  }),
  z.strictObject({
    ...base,
    action: z.literal('schedule'),
    until: WaitUntil,
    calendar: z.array(z.string()),
    defaultTimeZone: z.string(),
  }),
  z.strictObject({
    ...base,
    action: z.literal('send-failed'),
    channel: z.enum(['email', 'sms', 'preferred']),
    template: z.string().check(z.minLength(1)),
    category: z.enum(['marketing', 'transactional']),
    topic: z.optional(z.string().check(z.minLength(1))),
    priority: z.enum(['normal', 'high']),
    error: z.string().check(z.minLength(1)),
    /** The branch right after the send, decided here too when the send gives up (see fusion.ts). */
    branch: z.optional(FusedBranch),
  }),
  z.strictObject({ ...base, action: z.literal('deferred') }),
  z.strictObject({
    ...base,
    action: z.literal('update'),
    update: StepUpdate,
    /** The branch right after the update, decided here once the update is applied (see fusion.ts). */
    branch: z.optional(FusedBranch),
  }),
]);
export type JourneyStepInput = z.infer<typeof JourneyStepInput>;

/** `decision`: the branch after the step, when its Task decides it (see fusion.ts). */
type Deciding = { decision?: Decision };

export type JourneyStepResult =
  | Decision
  | ({ updated: boolean } & Deciding)
  /** `found: false` when there is no such date (no birthday on file): the wait then ends at once. */
  | ScheduledAt
  | { awaiting: string }
  /** A send step that gave up, recorded on its message (see domain/messages/failure.ts). */
  | (SendFailureResult & Deciding)
  /** A send step deferred: until when it waits (see domain/messages/deferral.ts). */
  | DeferralResult;

export function parseJourneyStepInput(data: unknown): JourneyStepInput {
  const result = JourneyStepInput.safeParse(data);
  if (!result.success)
    throw new InvalidTaskInputError(
      'Invalid journey-step input',
      zodProblems(result.error, data, { source: 'task input' }),
    );
  return result.data;
}

type StepDeps = { store: CustomerStore; clock: Clock; verdicts?: VerdictReader };

/**
 * The customer's arm: fixed by their bucket, unless the split routes a recorded winner, which then takes
 * every new entrant outside the holdout. Recorded once per execution (recordPath), so a customer decided
 * before the verdict keeps their arm on any retry.
 */
async function decideSplit(input: Extract<JourneyStepInput, { action: 'split' }>, deps: StepDeps) {
  const bucket = splitBucket(input.journeyId, input.stepId, input.customerId);
  const byBucket = pickSplitPath(input.paths, bucket);
  const verdicts = deps.verdicts ?? { get: (j: string, s: string) => deps.store.getExperiment(j, s) };
  const verdict = input.route ? await verdicts.get(input.journeyId, input.stepId) : undefined;
  const chosen = verdict ? routedArm(byBucket, input.paths, verdict.winner) : byBucket;
  const routed =
    verdict && chosen !== byBucket ? { winner: verdict.winner, since: verdict.decidedAt } : undefined;
  const explanation = explainSplit(input.paths, bucket, routed);
  return recordPath(input, 'split', { path: chosen.name, holdout: chosen.holdout, explanation }, deps);
}

/**
 * Decides a branch or a split, or applies an update, for one customer at one step of one execution.
 * A decision is stored the first time and returned as stored on any retry, so a customer never takes
 * two paths at the same step; an update is idempotent by nature (set, add, remove).
 */
export async function runJourneyStep(input: JourneyStepInput, deps: StepDeps): Promise<JourneyStepResult> {
  // Needs no profile: a customer erased meanwhile gets nothing recorded, and the journey still goes on.
  if (input.action === 'send-failed') return withDecision(input, await recordSendFailure(input, deps), deps);
  if (input.action === 'deferred') return deferralOf(input, deps);
  const profile = await deps.store.getProfile(input.customerId);
  if (!profile) throw new ProfileNotFoundError(`customer ${input.customerId} has no profile`);
  switch (input.action) {
    case 'branch':
      return recordPath(input, 'branch', decideBranch(input.paths, profile, input.event), deps);
    case 'split':
      return decideSplit(input, deps);
    case 'update': {
      const updated = await applyStepUpdate(input.customerId, input.update, deps);
      return withDecision(input, { updated }, deps);
    }
    case 'schedule':
      return nextUntil(input, profile, deps.clock.now());
    case 'await': {
      // Step Functions now waits for SendTaskSuccess with this token: ingest-event sends it when the event comes.
      // An engagement wait is filed under its message, so that only that message's events find it.
      const messageKey = input.messageStep && stepKey(input.executionId, input.messageStep);
      const subject = messageKey ? engagementSubject(input.event, messageKey) : input.event;
      await deps.store.putAwait({
        customerId: input.customerId,
        awaitKey: `${subject}#${createHash('sha256').update(input.taskToken).digest('hex').slice(0, 32)}`,
        event: input.event,
        ...(messageKey ? { messageKey } : {}),
        taskToken: input.taskToken,
        journeyId: input.journeyId,
        stepId: input.stepId,
        executionId: input.executionId,
        since: deps.clock.now().toISOString(),
      });
      return { awaiting: input.event };
    }
    default:
      return assertNever(input);
  }
}

/** The step's own result, with the decision of the branch after it when the state passed one. */
async function withDecision<R extends object>(
  input: Extract<JourneyStepInput, { action: 'update' | 'send-failed' }>,
  result: R,
  deps: { store: CustomerStore; clock: Clock },
): Promise<R & Deciding> {
  if (!input.branch) return result;
  return { ...result, decision: await decideFusedBranch(input, input.branch, deps) };
}
