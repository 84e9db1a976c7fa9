import { assertNever } from '../assert-never';
import { durationSeconds } from '../config/duration';
import type { Journey, Step } from './schema';
import { successors } from './steps';

/**
 * Names of the `${…}` definition substitutions a compiled journey uses. CDK fills them with real ARNs;
 * the local runtime with local ones. Keeping them out of the ASL is what lets both run the same text.
 */
export const SUBSTITUTIONS = {
  sendMessage: 'SendMessageFunctionArn',
  journeyStep: 'JourneyStepFunctionArn',
  eventBus: 'EventBusName',
} as const;

/** How a `task` step's request for a person appears on the event bus. */
export const TASK_EVENT = { source: 'rapport.journeys', detailType: 'Rapport Task' } as const;
/** A `wait-for-event` step: the callback pattern, resumed by ingest-event with SendTaskSuccess. */
export const WAIT_FOR_CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** The Step Functions integration a `task` step uses (an optimized integration, not a Lambda). */
export const PUT_EVENTS_RESOURCE = 'arn:aws:states:::events:putEvents';
export type SubstitutionName = (typeof SUBSTITUTIONS)[keyof typeof SUBSTITUTIONS];

/** What every execution of a journey receives as input. */
export interface JourneyInput {
  customerId: string;
  journeyId: string;
  journeyVersion: number;
  trigger: {
    eventId: string;
    eventType: string;
    at: string;
    stage?: string;
    tier?: string;
    /** For a date-triggered journey: the attribute (birthday) or holiday whose date it is. */
    occasion?: string;
  };
}

/** Errors a Lambda invocation may raise that are worth retrying (AWS's recommended set, plus throttling). */
const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'States.Timeout',
  'MessageThrottledError',
];

type AslState = Record<string, unknown>;
export interface Asl {
  Comment: string;
  StartAt: string;
  States: Record<string, AslState>;
}

/**
 * Compiles a validated journey to Amazon States Language (JSONPath, so aws-local-stepfunctions runs it
 * too). State names are the step ids, so an execution in the Step Functions console reads like the YAML.
 */
/** What a journey may refer to outside itself; embedded in the ASL so an execution never depends on later edits. */
export interface Calendar {
  holidays: Record<string, string[]>;
  defaultTimeZone: string;
}
/** No holidays, UTC: for journeys that use neither. */
export const NO_CALENDAR: Calendar = { holidays: {}, defaultTimeZone: 'UTC' };

export function compileJourney(journey: Journey, context: Calendar = NO_CALENDAR): Asl {
  const states: Record<string, AslState> = {};
  journey.steps.forEach((step, i) => {
    Object.assign(states, compileStep(journey, step, journey.steps[i + 1]?.id, context));
  });
  const first = journey.steps[0];
  if (!first) throw new Error(`journey ${journey.id} has no steps`);
  return {
    Comment: `${journey.id} v${journey.version}: ${journey.description}`,
    StartAt: first.id,
    States: states,
  };
}

/** The exact text deployed and executed: stable key order, two-space indent, trailing newline. */
export function compileJourneyToString(journey: Journey, context: Calendar = NO_CALENDAR): string {
  return `${JSON.stringify(compileJourney(journey, context), null, 2)}\n`;
}

/** Where a decision's result is kept in the execution's state: `$.decisions.<step id with _ for ->`. */
export function decisionPath(stepId: string): string {
  return `$.decisions.${stepId.replace(/-/g, '_')}`;
}

/** The second state of a branch or split: the Choice that routes on the decision. */
export function routeStateName(stepId: string): string {
  return `${stepId}-route`;
}

const RETRY = [
  {
    ErrorEquals: TRANSIENT_LAMBDA_ERRORS,
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];

/** A Task on the journey-step Lambda: the step's own definition travels in the ASL, so a version in flight keeps it. */
function journeyStepTask(
  journey: Journey,
  stepId: string,
  action: string,
  extra: Record<string, unknown>,
  flow: AslState,
): AslState {
  return {
    Type: 'Task',
    Resource: `\${${SUBSTITUTIONS.journeyStep}}`,
    Parameters: {
      action,
      'customerId.$': '$.customerId',
      journeyId: journey.id,
      journeyVersion: journey.version,
      stepId,
      'executionId.$': '$$.Execution.Id',
      ...extra,
    },
    TimeoutSeconds: 60,
    Retry: RETRY,
    ...flow,
  };
}

/** Where a wait-for-event step keeps the event that came (or the timeout). */
export function awaitPath(stepId: string): string {
  return `$.awaited.${stepId.replace(/-/g, '_')}`;
}

/** Where a send step keeps its outcome (status, and the end of quiet hours when deferred). */
export function sendPath(stepId: string): string {
  return `$.sends.${stepId.replace(/-/g, '_')}`;
}

/** Where a wait-until step keeps the instant it computed. */
export function schedulePath(stepId: string): string {
  return `$.schedule.${stepId.replace(/-/g, '_')}`;
}

function compileStep(
  journey: Journey,
  step: Step,
  below: string | undefined,
  context: Calendar,
): Record<string, AslState> {
  const [next] = successors(step, below);
  const flow = next === undefined ? { End: true } : { Next: next };
  switch (step.type) {
    case 'send': {
      const check = `${step.id}-deferred`;
      const quiet = `${step.id}-quiet-hours`;
      const end = `${step.id}-end`;
      return {
        [step.id]: {
          Type: 'Task',
          Comment: `Send ${step.channel} "${step.template}"`,
          Resource: `\${${SUBSTITUTIONS.sendMessage}}`,
          Parameters: {
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
          },
          // Only the outcome is kept (the message record lives in DynamoDB): a deferral needs its time.
          ResultSelector: { 'status.$': '$.status', 'until.$': '$.until' },
          ResultPath: sendPath(step.id),
          TimeoutSeconds: 60,
          Retry: RETRY,
          Next: check,
        },
        [check]: {
          Type: 'Choice',
          Comment: "Quiet hours in the customer's time zone: the same send waits, then runs again",
          Choices: [{ Variable: `${sendPath(step.id)}.status`, StringEquals: 'deferred', Next: quiet }],
          Default: next ?? end,
        },
        [quiet]: {
          Type: 'Wait',
          Comment: 'Wait for the end of quiet hours',
          TimestampPath: `${sendPath(step.id)}.until`,
          Next: step.id,
        },
        ...(next === undefined ? { [end]: { Type: 'Succeed' } } : {}),
      };
    }
    case 'wait': {
      if (step.duration !== undefined) {
        return {
          [step.id]: {
            Type: 'Wait',
            Comment: `Wait ${step.duration}`,
            Seconds: durationSeconds(step.duration),
            ...flow,
          },
        };
      }
      const until = step.until!;
      const what = until.holiday
        ? `${until.holiday}, `
        : until.anniversary
          ? `the ${until.anniversary} anniversary, `
          : 'the next ';
      const waitState = `${step.id}-until`;
      return {
        [step.id]: {
          Comment: `Find ${what}${until.timeOfDay} in the customer's time zone`,
          ...journeyStepTask(
            journey,
            step.id,
            'schedule',
            {
              until,
              calendar: [until.holiday ?? []].flat().flatMap((h) => context.holidays[h] ?? []),
              defaultTimeZone: context.defaultTimeZone,
            },
            { ResultPath: schedulePath(step.id), Next: waitState },
          ),
        },
        [waitState]: {
          Type: 'Wait',
          Comment: `Wait until ${what}${until.timeOfDay} local time`,
          TimestampPath: `${schedulePath(step.id)}.at`,
          ...flow,
        },
      };
    }
    case 'update':
      return {
        [step.id]: {
          Comment: 'Update the customer profile',
          ...journeyStepTask(
            journey,
            step.id,
            'update',
            {
              update: { set: step.set ?? {}, addTags: step.addTags ?? [], removeTags: step.removeTags ?? [] },
            },
            { ResultPath: null, ...flow },
          ),
        },
      };
    case 'branch':
    case 'split': {
      const paths =
        step.type === 'branch'
          ? step.paths.map((p) => ({ name: p.name, when: p.when }))
          : step.paths.map((p) => ({ name: p.name, percent: p.percent, holdout: p.holdout ?? false }));
      const route = routeStateName(step.id);
      return {
        [step.id]: {
          Comment:
            step.type === 'branch'
              ? 'Decide which path this customer takes'
              : 'Assign this customer to a path (fixed per customer)',
          ...journeyStepTask(
            journey,
            step.id,
            step.type,
            { paths },
            { ResultPath: decisionPath(step.id), Next: route },
          ),
        },
        [route]: {
          Type: 'Choice',
          Comment: `Follow the path chosen at ${step.id}`,
          Choices: step.paths.map((p) => ({
            Variable: `${decisionPath(step.id)}.path`,
            StringEquals: p.name,
            Next: p.next,
          })),
          Default: step.type === 'branch' ? step.default : step.paths[0]!.next,
        },
      };
    }
    case 'wait-for-event':
      return {
        [step.id]: {
          Type: 'Task',
          Comment: `Wait up to ${step.timeout} for a ${step.event} event`,
          Resource: WAIT_FOR_CALLBACK_RESOURCE,
          Parameters: {
            FunctionName: `\${${SUBSTITUTIONS.journeyStep}}`,
            Payload: {
              action: 'await',
              'customerId.$': '$.customerId',
              journeyId: journey.id,
              journeyVersion: journey.version,
              stepId: step.id,
              event: step.event,
              'executionId.$': '$$.Execution.Id',
              'taskToken.$': '$$.Task.Token',
            },
          },
          TimeoutSeconds: durationSeconds(step.timeout),
          ResultPath: awaitPath(step.id),
          // Not States.Timeout: here a timeout is the answer (no event came), taken by the Catch below.
          Retry: [
            { ...RETRY[0], ErrorEquals: TRANSIENT_LAMBDA_ERRORS.filter((e) => e !== 'States.Timeout') },
          ],
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: awaitPath(step.id), Next: step.onTimeout }],
          Next: step.onEvent,
        },
      };
    case 'task':
      return {
        [step.id]: {
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
          // Safe to retry anything: consumers dedupe on taskId.
          Retry: [
            {
              ErrorEquals: ['States.ALL'],
              IntervalSeconds: 2,
              MaxAttempts: 5,
              BackoffRate: 2,
              JitterStrategy: 'FULL',
            },
          ],
          ...flow,
        },
      };
    case 'exit':
      return { [step.id]: { Type: 'Succeed', Comment: 'Exit the journey' } };
    default:
      return assertNever(step);
  }
}
