import type { RetryRule } from './asl';

/** Errors a Lambda invocation may raise that are worth retrying (AWS's recommended set, plus throttling). */
const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'States.Timeout',
  'MessageThrottledError',
];

const BACKOFF = { IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' } as const;

/** The Retry of every Task on a Rapport Lambda. */
export function lambdaRetry(): RetryRule[] {
  return [{ ErrorEquals: [...TRANSIENT_LAMBDA_ERRORS], ...BACKOFF }];
}

/** A callback Task: its timeout is an answer (no event came), taken by a Catch, so never retried. */
export function callbackRetry(): RetryRule[] {
  return [{ ErrorEquals: TRANSIENT_LAMBDA_ERRORS.filter((e) => e !== 'States.Timeout'), ...BACKOFF }];
}

/** The putEvents Task: safe to retry anything, as consumers dedupe on taskId. */
export function putEventsRetry(): RetryRule[] {
  return [
    {
      ErrorEquals: ['States.ALL'],
      IntervalSeconds: 2,
      MaxAttempts: 5,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    },
  ];
}
