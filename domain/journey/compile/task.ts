import type { ExitStep, TaskStep } from '../schema';
import { flowTo } from './asl';
import type { StepCompiler } from './context';
import { PUT_EVENTS_RESOURCE, SUBSTITUTIONS, TASK_EVENT } from './resources';
import { putEventsRetry } from './retry';

/** A request for a person, published on the event bus by Step Functions itself (no Lambda). */
export const compileTask: StepCompiler<TaskStep> = ({ journey, step, next }) => [
  [
    step.id,
    {
      Type: 'Task',
      Comment: `Ask ${step.assignee}: ${step.title}`,
      Resource: PUT_EVENTS_RESOURCE,
      Parameters: {
        Entries: [
          {
            EventBusName: `\${${SUBSTITUTIONS.eventBus}}`,
            Source: TASK_EVENT.source,
            DetailType: TASK_EVENT.detailType,
            Detail: {
              'customerId.$': '$.customerId',
              journeyId: journey.id,
              journeyVersion: journey.version,
              stepId: step.id,
              assignee: step.assignee,
              title: step.title,
              priority: step.priority,
              // Consumers dedupe on this: EventBridge delivers at least once.
              'taskId.$': `States.Hash(States.Format('{}/${step.id}', $$.Execution.Id), 'SHA-256')`,
              'executionId.$': '$$.Execution.Id',
            },
          },
        ],
      },
      ResultPath: null,
      Retry: putEventsRetry(),
      ...flowTo(next),
    },
  ],
];

export const compileExit: StepCompiler<ExitStep> = ({ step }) => [
  [step.id, { Type: 'Succeed', Comment: 'Exit the journey' }],
];
