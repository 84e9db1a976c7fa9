import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  SNSEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { createLexiconClassifier } from '../../adapters/sentiment/lexicon';
import { sqsWorkQueue } from '../../adapters/sqs/work-queue';
import { executionArnFor } from '../../adapters/stepfunctions/journey-starter';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import type { SendMessageInput } from '../../domain/messages/send';
import { createAcceptEventHandler } from '../../functions/accept-event/handler';
import { createDeliveryEventsHandler } from '../../functions/delivery-events/handler';
import { createIngestEventHandler } from '../../functions/ingest-event/handler';
import { createObservability } from '../../functions/shared/observability';
import { createStartJourneyHandler } from '../../functions/start-journey/handler';
import { invokeLambda } from '../../local/lambda';
import type { FunctionName } from '../../functions/routes';
import {
  fixture,
  mockedProviders,
  PURCHASE,
  sqsBatch,
  startDynalite,
  type LocalDynamo,
  type Table,
} from '../handlers/support';
import {
  checkedLifecycleDeps,
  directStarter,
  JOURNEY_ARN_PREFIX,
  mockedServices,
  queueUrl,
  type MockedServices,
} from './checked-services';
import { grantedTo } from './grants';
import { WORKFLOWS_DIR } from './paths';
import { countCalls, type CallCounter } from './sdk-calls';
import { realSendHandler } from '../handlers/send-wiring';

/** The SDK calls of one path: DynamoDB's, and every other service's (start, announcement, provider). */
export interface PathCalls {
  dynamodb: Record<string, number>;
  other: Record<string, number>;
}

export interface HotPathCalls {
  /** accept-event answering POST /events for a new event (queued for ingest-event). */
  acceptEvent: PathCalls;
  /** ingest-event applying the first purchase of a new customer (starts first-small-purchase). */
  firstPurchase: PathCalls;
  /** start-journey consuming one queued start. */
  queuedStart: PathCalls;
  /** send-message sending the journey's first email (marketing caps and all). */
  emailSend: PathCalls;
  /** ingest-event applying a second purchase 5 days later (the goal of first-small-purchase). */
  laterPurchase: PathCalls;
  /** delivery-events recording the customer's open of an email (no journey waits for opens). */
  emailOpened: PathCalls;
}

const FIRST_AT = '2026-11-22T10:00:02.000Z';
const LATER_AT = '2026-11-27T10:00:02.000Z';

/** Each stubbed client's commands since its last reset, by name (a stub replaces `send`: no middleware). */
function stubbed(...stubs: { calls(): { args: unknown[] }[] }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const stub of stubs)
    for (const call of stub.calls()) {
      const name = (call.args[0] as object).constructor.name.replace(/Command$/, '');
      out[name] = (out[name] ?? 0) + 1;
    }
  return out;
}

function noFailures(response: unknown, what: string): void {
  if ((response as SQSBatchResponse).batchItemFailures.length > 0)
    throw new Error(`${what} failed: ${JSON.stringify(response)}`);
}

/**
 * The handlers of the hot paths, wired as in Lambda: real adapters over `table`, stubbed services; each
 * runs as its function, whose role's grants its calls are checked against (tests/support/grants.ts).
 */
function hotPathHandlers(
  table: Table,
  services: MockedServices,
  providers: ReturnType<typeof mockedProviders>,
  clock: ReturnType<typeof fixedClock>,
) {
  const workflows = loadWorkflows(WORKFLOWS_DIR);
  const arns = stateMachineArns(
    JOURNEY_ARN_PREFIX,
    workflows.journeys.map((j) => j.journey.id),
  );
  const lifecycleDeps = (fn: FunctionName) => ({
    ...createObservability(),
    ...checkedLifecycleDeps(fn, table, services, clock),
  });
  const ingest = createIngestEventHandler({
    ...lifecycleDeps('ingest-event'),
    sentiment: createLexiconClassifier(),
  });
  // As functions/delivery-events/index.ts: a direct starter (engagement starts no journey).
  const delivery = createDeliveryEventsHandler({
    ...lifecycleDeps('delivery-events'),
    starter: directStarter('delivery-events', services),
  });
  const start = createStartJourneyHandler({
    ...createObservability(),
    store: table.storeFor('start-journey'),
    starter: directStarter('start-journey', services),
  });
  const send = realSendHandler({
    table,
    workflows,
    clients: providers,
    clock,
    publicBaseUrl: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/',
    linkSecret: 'hot-path-link-secret',
  });
  const accept = createAcceptEventHandler({
    ...createObservability(),
    store: table.storeFor('accept-event'),
    clock,
    ingestQueue: sqsWorkQueue(grantedTo('accept-event', services.clients.sqs), queueUrl('rapport-ingest')),
  });
  return { arns, accept, ingest, start, send, delivery };
}

/** One counter over the clients of every function of the hot paths. */
function countFunctionCalls(dynamo: LocalDynamo): CallCounter {
  const fns: FunctionName[] = [
    'accept-event',
    'ingest-event',
    'start-journey',
    'send-message',
    'delivery-events',
  ];
  const counters = fns.map((fn) => countCalls(dynamo.clientFor(fn)));
  return {
    byCommand: () => {
      const out: Record<string, number> = {};
      for (const c of counters)
        for (const [name, n] of Object.entries(c.byCommand())) out[name] = (out[name] ?? 0) + n;
      return out;
    },
    total: () => counters.reduce((sum, c) => sum + c.total(), 0),
    reset: () => counters.forEach((c) => c.reset()),
  };
}

type Handlers = ReturnType<typeof hotPathHandlers>;
type Stubs = MockedServices['stubs'];
type Measure = (run: () => Promise<void>) => Promise<PathCalls>;

/**
 * Runs the hot paths once through the real handlers (their real adapters over dynalite; the other
 * services stubbed) and counts the SDK calls each makes. A call the function's role is not granted
 * throws an UngrantedCallError (tests/support/grants.ts).
 */
export async function countHotPathCalls(): Promise<HotPathCalls> {
  const dynamo = await startDynalite();
  const services = mockedServices(FIRST_AT);
  const { stubs } = services;
  const providers = mockedProviders();
  providers.ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
  try {
    const table = await dynamo.freshTable();
    const dynamodb = countFunctionCalls(dynamo);
    const clock = fixedClock(FIRST_AT);
    const handlers = hotPathHandlers(table, services, providers, clock);
    const measure: Measure = async (run) => {
      dynamodb.reset();
      for (const stub of [stubs.sfn, stubs.sqs, stubs.eventBridge, providers.ses]) stub.resetHistory();
      await run();
      return {
        dynamodb: dynamodb.byCommand(),
        other: stubbed(stubs.sfn, stubs.sqs, stubs.eventBridge, providers.ses),
      };
    };
    const first = await firstCustomerPaths(measure, handlers, stubs);
    clock.set(LATER_AT);
    return { ...first, ...(await laterPaths(measure, handlers)) };
  } finally {
    services.restore();
    for (const stub of [providers.ses, providers.sms]) stub.restore();
    await dynamo.stop();
  }
}

/** A new customer's first purchase: accepted, ingested, its journey's start dequeued, its thank-you sent. */
async function firstCustomerPaths(
  measure: Measure,
  { arns, accept, ingest, start, send }: Handlers,
  stubs: Stubs,
) {
  const acceptEvent = await measure(async () => {
    const post = fixture<APIGatewayProxyEventV2>('http-api-v2-post-events.json');
    const res = (await invokeLambda('rapport-accept-event', accept, {
      ...post,
      body: JSON.stringify(PURCHASE),
    })) as APIGatewayProxyStructuredResultV2;
    if (res.statusCode !== 202) throw new Error(`POST /events answered ${res.statusCode}: ${res.body}`);
  });
  const firstPurchase = await measure(async () =>
    noFailures(
      await invokeLambda('rapport-ingest-event', ingest, sqsBatch('sqs-ingest-batch.json', PURCHASE)),
      'first purchase',
    ),
  );
  const queued = stubs.sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((c) => c.args[0].input.Entries ?? []);
  if (queued.length !== 1) throw new Error(`the first purchase queued ${queued.length} starts, not 1`);
  const queuedStart = await measure(async () => {
    const batch: SQSEvent = sqsBatch('sqs-start-batch.json', ...queued.map((e) => e.MessageBody ?? ''));
    noFailures(await invokeLambda('rapport-start-journey', start, batch), 'queued start');
  });
  const executionArn = executionArnFor(
    arns['first-small-purchase'] ?? '',
    JSON.parse(queued[0]?.MessageBody ?? '{}').executionName,
  );
  const emailSend = await measure(async () => {
    const task: SendMessageInput = {
      ...fixture<SendMessageInput>('sfn-send-message-task.json'),
      executionId: executionArn,
    };
    const result = await invokeLambda('rapport-send-message', send, task);
    if (result.status !== 'sent') throw new Error(`the send ended ${JSON.stringify(result)}`);
  });
  return { acceptEvent, firstPurchase, queuedStart, emailSend };
}

/** Five days on: a second purchase (the first journey's goal), and the thank-you opened. */
async function laterPaths(measure: Measure, { ingest, delivery }: Handlers) {
  const laterPurchase = await measure(async () => {
    const event = { ...PURCHASE, eventId: 'e-2', at: '2026-11-27T10:00:00Z', amount: 88 };
    noFailures(
      await invokeLambda('rapport-ingest-event', ingest, sqsBatch('sqs-ingest-batch.json', event)),
      'later purchase',
    );
  });
  if (!laterPurchase.other.StopExecution) throw new Error('the later purchase did not reach the goal');
  const emailOpened = await measure(async () => {
    const result = await invokeLambda(
      'rapport-delivery-events',
      delivery,
      fixture<SNSEvent>('sns-ses-open.json'),
    );
    if (result.engaged[0]?.status !== 'accepted') throw new Error(`the open was ${JSON.stringify(result)}`);
  });
  return { laterPurchase, emailOpened };
}
