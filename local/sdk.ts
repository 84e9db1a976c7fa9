import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { HttpRequest, MiddlewareStack, RequestSigner } from '@smithy/types';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { InProcessTransport } from './in-process-transport';
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

/**
 * The same, for the runtime's own clients: their requests go to the server in this process when a
 * transport is given (InProcessTransport), and they are not signed: the credentials are made up and no
 * local server checks a signature (dynalite and aws-ses-v2-local only check that an Authorization
 * header of SigV4's shape is there), and SigV4's hashing was a tenth of each call's CPU.
 */
export function runtimeClientConfig(endpoint: string, requestHandler: InProcessTransport | NodeHttpHandler) {
  return { ...localClientConfig(endpoint), requestHandler, signer: UNSIGNED };
}

/** A SigV4-shaped Authorization header with no signature in it, built once per second of signing time. */
const UNSIGNED: RequestSigner = {
  async sign(request: HttpRequest, options?: { signingDate?: Date | string | number }) {
    const second = Math.floor(new Date(options?.signingDate ?? Date.now()).getTime() / 1000);
    if (second !== unsigned.second) unsigned = unsignedHeaders(second);
    request.headers['x-amz-date'] = unsigned.date;
    request.headers.authorization = unsigned.authorization;
    return request;
  },
};
let unsigned = unsignedHeaders(0);

function unsignedHeaders(second: number) {
  const date = new Date(second * 1000).toISOString().replace(/[-:]|\.\d+/g, '');
  const scope = `${CREDENTIALS.accessKeyId}/${date.slice(0, 8)}/${LOCAL_REGION}/local/aws4_request`;
  const authorization = `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date, Signature=unsigned`;
  return { second, date, authorization };
}

/**
 * Steps of every SDK call whose only output is a header (User-Agent, X-Amzn-Trace-Id) or a log line
 * that no local server reads and no logger is given for: for an in-process client they were a fifth of
 * the client's CPU per call. The same clients on AWS keep them (this is for local clients only).
 */
const UNREAD_BY_LOCAL_SERVERS = [
  'getUserAgentMiddleware',
  'recursionDetectionMiddleware',
  'loggerMiddleware',
];

export function dropUnreadSteps(client: { middlewareStack: { remove(name: string): boolean } }): void {
  for (const name of UNREAD_BY_LOCAL_SERVERS) client.middlewareStack.remove(name);
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
