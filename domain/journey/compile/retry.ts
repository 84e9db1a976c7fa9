import { RETRIED_ERRORS } from '../../errors';
import type { RetryRule } from './asl';

const BACKOFF = { IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' } as const;

/** The Retry of every Task on a Rapport Lambda: the errors domain/errors.ts says are retried. */
export function lambdaRetry(): RetryRule[] {
  return [{ ErrorEquals: [...RETRIED_ERRORS], ...BACKOFF }];
}

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
