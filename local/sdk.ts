import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { MiddlewareStack } from '@smithy/types';
import type { Activity } from './activity';
import { LOCAL_REGION } from './lambda';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/**
 * The local servers never throttle, so a failed call (a socket closed under it) is retried at once. A
 * back-off would be a timer, and under virtual time a timer waited on by work in flight is one that time
 * must jump over, which would shift every timestamp after it.
 */
const RETRY_AT_ONCE = new ConfiguredRetryStrategy(3, 0);

/** What every real AWS SDK client needs to talk to a local server instead of AWS. */
export function localClientConfig(endpoint: string) {
  return { region: LOCAL_REGION, credentials: CREDENTIALS, retryStrategy: RETRY_AT_ONCE, endpoint };
}

/** Counts every SDK call as work in flight, so that virtual time never jumps during one. */
export function trackActivity<I extends object, O extends object>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  activity: Activity,
): void {
  client.middlewareStack.add((next) => (args) => activity.track(() => next(args)), {
    step: 'initialize',
    name: 'rapportActivity',
  });
}
