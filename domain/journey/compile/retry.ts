import { MessageThrottledError, RETRIED_ERRORS } from '../../errors';
import type { RetryRule } from './asl';

const BACKOFF = { IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' } as const;

/**
 * A throttled send waits longer than a lost race: 5, 10, 20, 40 then 60 s at most (about 2 minutes in
 * all, each wait drawn at random below its cap so that a crowd refused together comes back spread out).
 * Then the send's Catch defers it through the quiet-hours loop (domain/messages/throttle.ts).
 */
export const THROTTLE_RETRY = {
  IntervalSeconds: 5,
  MaxAttempts: 5,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  JitterStrategy: 'FULL',
} as const;

/** The Retry of every Task on a Rapport Lambda: the errors domain/errors.ts says are retried. */
export function lambdaRetry(): RetryRule[] {
  return [{ ErrorEquals: [...RETRIED_ERRORS], ...BACKOFF }];
}

/**
 * The send Task's Retry: throttling first, on its own longer backoff (Step Functions takes the first rule
 * that matches, and each rule counts its own attempts), then the other retried errors as every Task.
 */
export function sendRetry(): RetryRule[] {
  return [
    { ErrorEquals: [...SEND_THROTTLED], ...THROTTLE_RETRY },
    { ErrorEquals: RETRIED_ERRORS.filter((e) => !SEND_THROTTLED.includes(e)), ...BACKOFF },
  ];
}

/**
 * A send held back by a rate rather than failed: the provider's (MessageThrottledError) or send-message's
 * reserved concurrency being full (the Lambda did not run). Both back off long, then wait in the deferral
 * loop, rather than fail: a crowd of sends due at once drains at the rate SES allows.
 */
export const SEND_THROTTLED: readonly string[] = [
  MessageThrottledError.name,
  'Lambda.TooManyRequestsException',
];

/** A callback Task: its timeout is an answer (no event came), taken by a Catch, so never retried. */
export function callbackRetry(): RetryRule[] {
  return [{ ErrorEquals: RETRIED_ERRORS.filter((e) => e !== 'States.Timeout'), ...BACKOFF }];
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
