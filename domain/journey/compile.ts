import { assertNever } from '../assert-never';
import { durationSeconds } from '../config/duration';
import type { Journey, Step } from './schema';

/**
 * Names of the `${…}` definition substitutions a compiled journey uses. CDK fills them with real ARNs;
 * the local runtime with local ones. Keeping them out of the ASL is what lets both run the same text.
 */
export const SUBSTITUTIONS = { sendMessage: 'SendMessageFunctionArn' } as const;
export type SubstitutionName = (typeof SUBSTITUTIONS)[keyof typeof SUBSTITUTIONS];

/** What every execution of a journey receives as input. */
export interface JourneyInput {
  customerId: string;
  journeyId: string;
  journeyVersion: number;
  trigger: { eventId: string; eventType: string; at: string; stage?: string; tier?: string };
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
export function compileJourney(journey: Journey): Asl {
  const states: Record<string, AslState> = {};
  journey.steps.forEach((step, i) => {
    const next = journey.steps[i + 1]?.id;
    states[step.id] = compileStep(journey, step, next);
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
export function compileJourneyToString(journey: Journey): string {
  return `${JSON.stringify(compileJourney(journey), null, 2)}\n`;
}

function compileStep(journey: Journey, step: Step, next: string | undefined): AslState {
  const flow = next === undefined ? { End: true } : { Next: next };
  switch (step.type) {
    case 'send':
      return {
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
          'executionId.$': '$$.Execution.Id',
        },
        // The message record lives in DynamoDB; keeping the state's input unchanged keeps paths simple.
        ResultPath: null,
        TimeoutSeconds: 60,
        Retry: [
          {
            ErrorEquals: TRANSIENT_LAMBDA_ERRORS,
            IntervalSeconds: 2,
            MaxAttempts: 6,
            BackoffRate: 2,
            JitterStrategy: 'FULL',
          },
        ],
        ...flow,
      };
    case 'wait':
      return {
        Type: 'Wait',
        Comment: `Wait ${step.duration}`,
        Seconds: durationSeconds(step.duration),
        ...flow,
      };
    case 'exit':
      return { Type: 'Succeed', Comment: 'Exit the journey' };
    default:
      return assertNever(step);
  }
}
