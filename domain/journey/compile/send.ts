import { SEND_TIMEOUT_SECONDS } from '../../messages/interrupted';
import type { SendStep } from '../schema';
import { flowTo, type NamedState, type TaskState } from './asl';
import { journeyStepTask, type StepCompiler } from './context';
import { sendPath, stateName } from './names';
import { SEND_MESSAGE_RESOURCE } from './resources';
import { lambdaRetry } from './retry';

/**
 * A send, then a Choice on its outcome: deferred by quiet hours, it waits for their end and runs the same
 * step again; otherwise the journey goes on. A send that still fails once its Retry is spent is caught:
 * the failure is recorded on the message and counted, and the journey goes on all the same.
 */
export const compileSend: StepCompiler<SendStep> = (ctx) => {
  const { step, next } = ctx;
  const check = stateName(step.id, 'deferred');
  const quiet = stateName(step.id, 'quietHours');
  const failed = stateName(step.id, 'failed');
  const end = stateName(step.id, 'end');
  const task: TaskState = {
    Type: 'Task',
    Comment: `Send ${step.channel} "${step.template}"`,
    Resource: SEND_MESSAGE_RESOURCE,
    Parameters: sendParameters(ctx),
    // Only the outcome is kept (the message record lives in DynamoDB): a deferral needs its time.
    ResultSelector: { 'status.$': '$.status', 'until.$': '$.until' },
    ResultPath: sendPath(step.id),
    // A claim older than this has no live sender: a later attempt marks it in-doubt (messages/interrupted.ts).
    TimeoutSeconds: SEND_TIMEOUT_SECONDS,
    Retry: lambdaRetry(),
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: sendPath(step.id), Next: failed }],
    Next: check,
  };
  const states: NamedState[] = [
    [step.id, task],
    [
      check,
      {
        Type: 'Choice',
        Comment: "Quiet hours in the customer's time zone: the same send waits, then runs again",
        Choices: [{ Variable: `${sendPath(step.id)}.status`, StringEquals: 'deferred', Next: quiet }],
        Default: next ?? end,
      },
    ],
    [
      quiet,
      {
        Type: 'Wait',
        Comment: 'Wait for the end of quiet hours',
        TimestampPath: `${sendPath(step.id)}.until`,
        ...flowTo(step.id),
      },
    ],
    [failed, recordFailure(ctx, next ?? end)],
  ];
  if (next === undefined) states.push([end, { Type: 'Succeed' }]);
  return states;
};

/** Records the caught failure; only the error's name goes on (its Cause may quote personal data). */
function recordFailure(ctx: Parameters<typeof compileSend>[0], next: string): TaskState {
  const { step } = ctx;
  const extra = {
    channel: step.channel,
    template: step.template,
    category: step.category,
    ...(step.topic ? { topic: step.topic } : {}),
    priority: step.priority,
    'error.$': `${sendPath(step.id)}.Error`,
  };
  return journeyStepTask(
    ctx,
    'The send gave up: record it on the message, count it, go on',
    'send-failed',
    extra,
    {
      ResultSelector: { 'status.$': '$.status', 'error.$': '$.error' },
      ResultPath: sendPath(step.id),
      Next: next,
    },
  );
}

/** What the send-message task receives: the step's definition, and who and which execution it is for. */
function sendParameters({ journey, step }: Parameters<typeof compileSend>[0]): Record<string, unknown> {
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
    'executionId.$': '$$.Execution.Id',
  };
}
