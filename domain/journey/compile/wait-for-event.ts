import { durationSeconds } from '../../config/duration';
import { engagedSendOf } from '../engaged-message';
import type { WaitForEventStep } from '../schema';
import type { StepCompiler } from './context';
import { awaitPath } from './names';
import { JOURNEY_STEP_RESOURCE, WAIT_FOR_CALLBACK_RESOURCE } from './resources';
import { callbackRetry } from './retry';

/** The callback pattern: journey-step stores the task token; ingest-event answers it when the event comes. */
export const compileWaitForEvent: StepCompiler<WaitForEventStep> = ({ journey, step }) => {
  // An engagement wait names the send whose message it is about (checked at load: see engagedSendOf).
  const engaged = engagedSendOf(journey.steps, journey.steps.indexOf(step));
  if (engaged.kind === 'problem') throw new Error(`${journey.id}/${step.id}: ${engaged.expected}`);
  return [
    [
      step.id,
      {
        Type: 'Task',
        Comment: `Wait up to ${step.timeout} for a ${step.event} event`,
        Resource: WAIT_FOR_CALLBACK_RESOURCE,
        Parameters: {
          FunctionName: JOURNEY_STEP_RESOURCE,
          Payload: {
            action: 'await',
            'customerId.$': '$.customerId',
            journeyId: journey.id,
            journeyVersion: journey.version,
            stepId: step.id,
            event: step.event,
            ...(engaged.kind === 'send' ? { messageStep: engaged.sendId } : {}),
            'executionId.$': '$$.Execution.Id',
            'taskToken.$': '$$.Task.Token',
          },
        },
        TimeoutSeconds: durationSeconds(step.timeout),
        ResultPath: awaitPath(step.id),
        // Not States.Timeout: here a timeout is the answer (no event came), taken by the Catch below.
        Retry: callbackRetry(),
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: awaitPath(step.id), Next: step.onTimeout }],
        Next: step.onEvent,
      },
    ],
  ];
};
