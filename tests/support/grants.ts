import type { MiddlewareStack } from '@smithy/types';
import type { FunctionName } from '../../functions/routes';
import roleActions from './role-actions.json';
import { tableRefusal } from './table-grants';

/**
 * Handler tests run on dynalite and on mocked SDK clients, which know no IAM: an action a function's role
 * lacks would pass every test and be an AccessDeniedException on AWS (delivery-events once lacked
 * dynamodb:BatchGetItem). A client watched for a function refuses, before it is sent, each call whose IAM
 * action (`<service prefix>:<command without Command>`) the function's role is not granted, as IAM would:
 * the grants are read from the synthesized stack into role-actions.json (`npm run role-actions`;
 * tests/infra/rapport-stack.test.ts fails when it is stale). DynamoDB calls are also judged by resource
 * (the due index is the sweep's alone): table-grants.ts.
 */
export class UngrantedCallError extends Error {
  override name = 'UngrantedCallError';
}

/** What each function's role is granted, as infra synthesizes it. */
export const ROLE_ACTIONS: Readonly<Record<FunctionName, readonly string[]>> = roleActions;

/**
 * The IAM prefix of each SDK client a handler uses, by the client's `serviceId`. Another client throws
 * until it is added here: its prefix is not always its name (states for SFN, sms-voice for End User
 * Messaging SMS's pinpoint-sms-voice-v2 API).
 */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  DynamoDB: 'dynamodb',
  SFN: 'states',
  SQS: 'sqs',
  // SES v1 (SendRawEmail is the action ses-mailer.ts sends). SES v2 shares the prefix but not every
  // action name: map SESv2 only once its commands are checked against IAM's list.
  SES: 'ses',
  'Pinpoint SMS Voice V2': 'sms-voice',
  EventBridge: 'events',
  Comprehend: 'comprehend',
  'Secrets Manager': 'secretsmanager',
};

/** SQS authorises a batch under the single message's action (there is no sqs:SendMessageBatch in IAM). */
const AUTHORISED_AS: Readonly<Record<string, string>> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
};

/** The IAM action a command of a client of `serviceId` is authorised as: `states:StartExecution`. */
export function iamAction(serviceId: string, commandName: string): string {
  const prefix = IAM_PREFIX[serviceId];
  if (!prefix) throw new Error(`grants: no IAM prefix for the ${serviceId} client; add it to IAM_PREFIX`);
  const action = `${prefix}:${commandName.replace(/Command$/, '')}`;
  return AUTHORISED_AS[action] ?? action;
}

/** Why `fn`'s role may not make the call, or undefined when it may. */
function refusal(fn: FunctionName, action: string, input: object): string | undefined {
  const granted = ROLE_ACTIONS[fn];
  if (!granted.includes(action)) {
    const prefix = action.slice(0, action.indexOf(':') + 1);
    const same = granted.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length));
    return (
      `${fn} called ${action}, which its role is not granted (granted ${prefix} ` +
      `${same.join(', ') || 'nothing'}; tests/support/role-actions.json, read from infra/)`
    );
  }
  return action.startsWith('dynamodb:') ? tableRefusal(fn, action, input) : undefined;
}

/** Refusals since the last test ended: a handler that catches a client's errors must not hide one. */
const refused: UngrantedCallError[] = [];

// Jest's globals only: the benches (tsx) import the handler support too.
if (typeof afterEach === 'function')
  afterEach(() => {
    const seen = refused.splice(0);
    if (seen.length)
      throw new UngrantedCallError(
        `SDK calls refused during this test (an error a handler caught is reported here too):\n` +
          seen.map((e) => `  ${e.message}`).join('\n'),
      );
  });

/** The refusal of a call `fn` may not make, recorded for afterEach; undefined when it may. */
function check(fn: FunctionName, serviceId: string, commandName: string, input: object) {
  const why = refusal(fn, iamAction(serviceId, commandName), input);
  if (why === undefined) return undefined;
  const error = new UngrantedCallError(why);
  refused.push(error);
  return error;
}

interface Client {
  config: { serviceId?: string };
}

function serviceIdOf(client: Client): string {
  const id = client.config.serviceId;
  if (!id) throw new Error('grants: the client has no serviceId');
  return id;
}

/**
 * Makes `client` refuse every call `fn`'s role is not granted, in its middleware: for a client that sends
 * (to dynalite), whichever command or DynamoDBDocumentClient sends through it.
 */
export function checkGrants<I extends object, O extends object>(
  client: Client & { middlewareStack: MiddlewareStack<I, O> },
  fn: FunctionName,
): void {
  const serviceId = serviceIdOf(client);
  client.middlewareStack.add(
    (next, context) => (args) => {
      const error = check(fn, serviceId, String(context.commandName ?? 'unknown'), args.input);
      if (error) throw error;
      return next(args);
    },
    { step: 'initialize', name: 'rapportGrantCheck' },
  );
}

/**
 * `client` as `fn`'s handler may use it: its `send` refuses what `fn`'s role is not granted, then calls
 * the client's current `send`. For a client mocked with aws-sdk-client-mock, which replaces `send` (so
 * middleware never runs) and again on each reset: the mock keeps answering what is granted.
 */
export function grantedTo<C extends Client & { send(command: never): Promise<unknown> }>(
  fn: FunctionName,
  client: C,
): C {
  const serviceId = serviceIdOf(client);
  const send = (command: { input: object }, ...rest: unknown[]) => {
    const error = check(fn, serviceId, command.constructor.name, command.input);
    if (error) return Promise.reject(error);
    return (client.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? send : Reflect.get(target, property, receiver),
  });
}
