import { SendDeferredError } from '../../errors';
import { SEND_TIMEOUT_SECONDS } from '../../messages/interrupted';
import { entersOnCustomEvent } from '../event-input';
import type { SendStep } from '../schema';
import { flowTo, type TaskState } from './asl';
import { fusedBranchParameter, journeyStepTask, type StepCompiler } from './context';
import { sendPath, stateName } from './names';
import { SEND_MESSAGE_RESOURCE } from './resources';
import { SEND_THROTTLED, sendRetry } from './retry';
import { updateParameter } from './update';

/**
 * A send whose ordinary outcome (sent, skipped, a duplicate) goes straight on: one state, so one billed
 * transition. A deferral (quiet hours, a marketing pause; a throttled send once its Retry is spent, see
 * domain/messages/throttle.ts) is the rare turn, so it is raised as
 * SendDeferredError and caught rather than tested by a Choice after every send: the `<id>-deferred` task
 * reads until when from the message record the send wrote, the Wait waits for it, and the same send runs
 * again (its message key is per execution and step: it sends once). A send that still fails once its
 * Retry is spent is caught: the failure is recorded on the message and counted, and the journey goes on.
 * When the send's Task decides the branch after it (see fusion.ts), so does the `<id>-failed` Task: every
 * way on from the send arrives at the branch's Choice with a decision beside the send's outcome. An
 * update step right before the send is applied by the send's Task, first (see fusion.ts).
 */
export const compileSend: StepCompiler<SendStep> = (ctx) => {
  const { step, next } = ctx;
  const deferred = stateName(step.id, 'deferred');
  const quiet = stateName(step.id, 'quietHours');
  const failed = stateName(step.id, 'failed');
  const giveUp = { ErrorEquals: ['States.ALL'], ResultPath: sendPath(step.id), Next: failed };
  const task: TaskState = {
    Type: 'Task',
    Comment: `Send ${step.channel} "${step.template}"`,
    Resource: SEND_MESSAGE_RESOURCE,
    Parameters: sendParameters(ctx),
    // Only the outcome is kept (the message record lives in DynamoDB), and a decision made here.
    ResultSelector: { 'status.$': '$.status', ...decisionSelector(ctx) },
    ResultPath: sendPath(step.id),
    // A claim older than this has no live sender: a later attempt marks it in-doubt (messages/interrupted.ts).
    TimeoutSeconds: SEND_TIMEOUT_SECONDS,
    Retry: sendRetry(),
    // A throttled send whose Retry is spent waits as a deferred one does: its record says until when
    // (none when send-message could not even run: the send then goes round again at once).
    Catch: [
      {
        ErrorEquals: [SendDeferredError.name, ...SEND_THROTTLED],
        ResultPath: sendPath(step.id),
        Next: deferred,
      },
      giveUp,
    ],
    ...flowTo(next),
  };
  const until = journeyStepTask(
    ctx,
    'Deferred by quiet hours, a marketing pause or the provider throttling: until when (its message record says)',
    'deferred',
    {},
    {
      ResultSelector: { 'status.$': '$.status', 'until.$': '$.until' },
      ResultPath: sendPath(step.id),
      Catch: [giveUp],
      Next: quiet,
    },
  );
  return [
    [step.id, task],
    [deferred, until],
    [
      quiet,
      {
        Type: 'Wait',
        Comment:
          'Wait for the end of quiet hours, of the marketing pause or of the throttling, then send again',
        TimestampPath: `${sendPath(step.id)}.until`,
        ...flowTo(step.id),
      },
    ],
    [failed, recordFailure(ctx, next)],
  ];
};

/** Records the caught failure; only the error's name goes on (its Cause may quote personal data). */
function recordFailure(ctx: Parameters<typeof compileSend>[0], next: string | undefined): TaskState {
  const { step } = ctx;
  const extra = {
    channel: step.channel,
    template: step.template,
    category: step.category,
    ...(step.topic ? { topic: step.topic } : {}),
    priority: step.priority,
    'error.$': `${sendPath(step.id)}.Error`,
    ...(ctx.decides ? fusedBranchParameter(ctx.decides) : {}),
  };
  return journeyStepTask(
    ctx,
    'The send gave up: record it on the message, count it, go on',
    'send-failed',
    extra,
    {
      ResultSelector: { 'status.$': '$.status', 'error.$': '$.error', ...decisionSelector(ctx) },
      ResultPath: sendPath(step.id),
      ...flowTo(next),
    },
  );
}

/** The decision of the branch after the send, kept when the send's Tasks make it. */
function decisionSelector(ctx: Parameters<typeof compileSend>[0]): Record<string, string> {
  return ctx.decides ? { 'decision.$': '$.decision' } : {};
}

/** What the send-message task receives: the step's definition, and who and which execution it is for. */
function sendParameters({
  journey,
  step,
  decides,
  applies,
}: Parameters<typeof compileSend>[0]): Record<string, unknown> {
  return {
    'customerId.$': '$.customerId',
    journeyId: journey.id,
    journeyVersion: journey.version,
    stepId: step.id,
    channel: step.channel,
    template: step.template,
    category: step.category,
    ...(step.topic ? { topic: step.topic } : {}),
    priority: step.priority,
    ...(step.survey ? { survey: step.survey } : {}),
    // The entry event's properties, for `event.*` in templates: only journeys that start on a declared event.
    ...(entersOnCustomEvent(journey) ? { 'event.$': '$.event' } : {}),
    'executionId.$': '$$.Execution.Id',
    deferral: 'error',
    ...(decides ? fusedBranchParameter(decides) : {}),
    ...(applies ? { update: { stepId: applies.id, ...updateParameter(applies) } } : {}),
  };
}
