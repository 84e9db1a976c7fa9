/**
 * The HTTP API's routes. CDK creates exactly these on API Gateway, and the local runtime serves exactly
 * these, so a client written against `npm start` works unchanged against AWS.
 */
export const FUNCTIONS = [
  'accept-event',
  'ingest-event',
  'start-journey',
  'send-message',
  'journey-step',
  'unsubscribe',
  'sweep',
  'sweep-worker',
  'delivery-events',
  'feedback',
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/**
 * Functions a stack has only when a setting asks for them (alarm-chat: context alarmChat). Bundled and held
 * to the same ceilings as the others (infra/function-bundles.ts, tests/infra/bundling.test.ts).
 */
export const OPTIONAL_FUNCTIONS = ['alarm-chat'] as const;
export type OptionalFunctionName = (typeof OPTIONAL_FUNCTIONS)[number];
export type AnyFunctionName = FunctionName | OptionalFunctionName;
/** Every function that is bundled: FUNCTIONS, then OPTIONAL_FUNCTIONS. */
export const ALL_FUNCTIONS: readonly AnyFunctionName[] = [...FUNCTIONS, ...OPTIONAL_FUNCTIONS];

export interface HttpRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  function: FunctionName;
  /** `iam`: callers sign requests with SigV4 (systems sending events). `none`: reached from emails. */
  auth: 'iam' | 'none';
}

export const HTTP_ROUTES: readonly HttpRoute[] = [
  // Validated at once (400 with every problem), then queued for ingest-event: 202 once it is durable.
  { method: 'POST', path: '/events', function: 'accept-event', auth: 'iam' },
  // The right to erasure: the customer's data goes, a hash of each address stays on the suppression list.
  { method: 'DELETE', path: '/customers/{id}', function: 'ingest-event', auth: 'iam' },
  { method: 'GET', path: '/unsubscribe', function: 'unsubscribe', auth: 'none' },
  { method: 'POST', path: '/unsubscribe', function: 'unsubscribe', auth: 'none' },
  { method: 'GET', path: '/preferences', function: 'unsubscribe', auth: 'none' },
  { method: 'POST', path: '/preferences', function: 'unsubscribe', auth: 'none' },
  { method: 'GET', path: '/feedback', function: 'feedback', auth: 'none' },
  { method: 'POST', path: '/feedback', function: 'feedback', auth: 'none' },
];
