import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand, type StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  EventBridgeEvent,
  SQSBatchResponse,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ComprehendClient, DetectSentimentCommand } from '@aws-sdk/client-comprehend';
import { createComprehendClassifier } from '../../adapters/sentiment/comprehend';
import { createLifecyclePublisher } from '../../adapters/eventbridge/lifecycle-publisher';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { sqsWorkQueue } from '../../adapters/sqs/work-queue';
import { createJourneyStarter, queuedStarter } from '../../adapters/stepfunctions/journey-starter';
import type { StartRequest } from '../../domain/ports';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { suppressionKey } from '../../domain/messages/policy';
import { createAcceptEventHandler } from '../../functions/accept-event/handler';
import { createIngestEventHandler } from '../../functions/ingest-event/handler';
import { createLogger, createObservability } from '../../functions/shared/observability';
import { inlineQueue } from '../../local/inline-queue';
import { invokeLambda } from '../../local/lambda';
import { grantedTo } from '../support/grants';
import { WORKFLOWS_DIR } from '../support/paths';
import { capturedLogLines } from '../support/logs';
import { fixture, sqsBatch, startDynalite, type Item, type LocalDynamo, type Table } from './support';

/*
 * What the ingest-event.*.test.ts files share. Importing it registers their hooks: dynalite started once per
 * test file, and before each test a fresh table and fresh mocks of Step Functions, EventBridge, Comprehend
 * and SQS (the start queue).
 */

const workflows = loadWorkflows(WORKFLOWS_DIR);
const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:rapport-first-small-purchase';
/**
 * The execution name for (first-small-purchase, c-42, e-1). Pinned: if the naming scheme changed between
 * deployments, an event redelivered across the change would start its journey a second time.
 */
export const EXECUTION_NAME = 'first-small-purchase-c-42-c9c2a50a33958024';
const NOW = '2026-11-22T10:00:02.000Z';

export const HTTP_FIXTURE = 'http-api-v2-post-events.json';
export const HTTP_BASE64_FIXTURE = 'http-api-v2-post-events-base64.json';
export const EVENTBRIDGE_FIXTURE = 'eventbridge-purchase.json';

export type HttpEvent = APIGatewayProxyEventV2;
export type BridgeEvent = EventBridgeEvent<string, unknown>;

/** The file's dynalite and the current test's table (live bindings: set in the hooks below). */
export let dynamo: LocalDynamo;
export let table: Table;

/** For the mocked clients below: every call they make is answered by their mock, never by AWS. */
const offline = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const sfnClient = new SFNClient(offline);
export const sfn = mockClient(sfnClient);
const eventBridgeClient = new EventBridgeClient(offline);
export const eventBridge = mockClient(eventBridgeClient);
const comprehendClient = new ComprehendClient(offline);
export const comprehend = mockClient(comprehendClient);
const sqsClient = new SQSClient(offline);
const sqs = mockClient(sqsClient);

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  sfn.restore();
  eventBridge.restore();
  comprehend.restore();
  sqs.restore();
  await dynamo?.stop();
});
beforeEach(async () => {
  table = await dynamo.freshTable();
  sfn.reset();
  eventBridge.reset();
  comprehend.reset();
  sqs.reset();
  queueFailures.length = 0;
  comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'NEGATIVE' });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'ev-1' }] });
  sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => ({
    executionArn: `${input.stateMachineArn!.replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: new Date(NOW),
  }));
});

/** Errors the start queue answers its next sends with, one each (SQS down: the starts are not queued). */
export const queueFailures: Error[] = [];

/**
 * ingest-event's starter as in Lambda (functions/shared/lifecycle-deps.ts): its starts put on the start
 * queue, whose consumer makes them at once here, as start-journey (the SQS stub answers once it did, or
 * fails as the start did). Each call is checked against the role of the function that makes it on AWS.
 */
function ingestStarter() {
  const arns = { 'first-small-purchase': STATE_MACHINE_ARN };
  const startJourney = createJourneyStarter(grantedTo('start-journey', sfnClient), arns);
  sqs.on(SendMessageBatchCommand).callsFake(async (input: SendMessageBatchCommandInput) => {
    const failure = queueFailures.shift();
    if (failure) throw failure;
    for (const e of input.Entries ?? [])
      await startJourney.start(JSON.parse(e.MessageBody ?? '') as StartRequest);
    return {
      Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: [],
    };
  });
  return queuedStarter(
    createJourneyStarter(grantedTo('ingest-event', sfnClient), arns),
    sqsWorkQueue(
      grantedTo('ingest-event', sqsClient),
      'https://sqs.eu-west-1.amazonaws.com/1/rapport-starts',
    ),
  );
}

/** The ingest queue's consumer; `invokeHttp` puts accept-event (POST /events) in front of it. */
export function handler(t: Table = table, observability = createObservability()) {
  const ingest = createIngestEventHandler({
    ...observability,
    store: t.storeFor('ingest-event'),
    starter: ingestStarter(),
    clock: fixedClock(NOW),
    lifecycle: workflows.lifecycle,
    calendar: workflows.calendar,
    publisher: createLifecyclePublisher(grantedTo('ingest-event', eventBridgeClient), 'rapport'),
    sentiment: createComprehendClassifier(grantedTo('ingest-event', comprehendClient)),
    // The handler's own behaviour, with the one journey the purchase starts (the other shipped
    // journeys are exercised by the scenario tests).
    journeys: workflows.journeys.map((j) => j.journey).filter((j) => j.id === 'first-small-purchase'),
  });
  return Object.assign(ingest, { table: t, observability });
}
type IngestHandler = ReturnType<typeof handler>;

/** An EventBridge event as the rule puts it on the ingest queue, delivered to ingest-event. */
export function invoke(event: BridgeEvent, h = handler()): Promise<SQSBatchResponse> {
  return invokeLambda(
    'rapport-ingest-event',
    h,
    sqsBatch('sqs-ingest-batch.json', event),
  ) as Promise<SQSBatchResponse>;
}

/** POST /events: accept-event, whose ingest queue delivers (inline, as locally) to `h`. */
export async function invokeHttp(event: HttpEvent, h: IngestHandler = handler()) {
  const accept = createAcceptEventHandler({
    ...h.observability,
    store: h.table.storeFor('accept-event'),
    clock: fixedClock(NOW),
    ingestQueue: inlineQueue(
      'rapport-ingest',
      async (batch) => (await invokeLambda('rapport-ingest-event', h, batch)) as SQSBatchResponse,
    ),
  });
  const res = (await invokeLambda(
    'rapport-accept-event',
    accept,
    event,
  )) as APIGatewayProxyStructuredResultV2;
  return { ...res, json: JSON.parse(res.body ?? 'null') as Record<string, unknown> };
}

export const failed = (n: number) => ({
  batchItemFailures: Array.from({ length: n }, () => ({ itemIdentifier: expect.any(String) as string })),
});

export function httpWithBody(body: string, base64 = false): HttpEvent {
  const event = fixture<HttpEvent>(HTTP_FIXTURE);
  return { ...event, body: base64 ? Buffer.from(body).toString('base64') : body, isBase64Encoded: base64 };
}

export function startCalls(): StartExecutionCommandInput[] {
  return sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
}

const byKind = (items: Item[], prefix: string) => items.filter((i) => i.sk.startsWith(prefix));

/** What one first small purchase must leave behind, however it arrived and however often. */
export async function expectJourneyStartedOnce(t: Table = table) {
  const calls = startCalls();
  expect(calls.length).toBeGreaterThanOrEqual(1);
  // Step Functions dedupes on name + input: repeated calls are harmless only if both are identical.
  expect(new Set(calls.map((c) => c.name))).toEqual(new Set([EXECUTION_NAME]));
  expect(new Set(calls.map((c) => c.input)).size).toBe(1);
  const call = calls[0]!;
  expect(call.stateMachineArn).toBe(STATE_MACHINE_ARN);
  expect(JSON.parse(call.input!)).toEqual({
    customerId: 'c-42',
    journeyId: 'first-small-purchase',
    journeyVersion: 4,
    trigger: { eventId: 'e-1', eventType: 'purchase', at: '2026-11-22T10:00:00Z', stage: 'first-purchase' },
  });

  const items = await t.scan();
  expect(items.map((i) => `${i.pk} ${i.sk}`)).toEqual([
    // The customer remembered as the user of the address checked against the suppression list.
    `ADDRESS#${suppressionKey('email', 'li@example.com')} CUSTOMER#c-42`,
    'CUSTOMER#c-42 EVENT#e-1',
    `CUSTOMER#c-42 JOURNEY#first-small-purchase#${EXECUTION_NAME}`,
    'CUSTOMER#c-42 PROFILE',
  ]);
  const [profile] = byKind(items, 'PROFILE');
  expect(profile).toMatchObject({
    customerId: 'c-42',
    stage: 'first-purchase',
    firstPurchaseSmall: true,
    firstPurchase: { eventId: 'e-1', amount: 19.9, currency: 'CNY', small: true },
    purchaseCount: 1,
    version: 1,
    email: 'li@example.com',
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    recentEventIds: ['e-1'],
  });
  expect(profile!.stageHistory).toEqual([
    {
      from: 'prospect',
      to: 'first-purchase',
      at: '2026-11-22T10:00:00Z',
      cause: { kind: 'event', eventId: 'e-1', eventType: 'purchase' },
    },
  ]);
  const [record] = byKind(items, 'EVENT#');
  expect(record).toMatchObject({
    eventId: 'e-1',
    type: 'purchase',
    receivedAt: NOW,
    executions: [
      {
        journeyId: 'first-small-purchase',
        executionName: EXECUTION_NAME,
        executionArn: `arn:aws:states:eu-west-1:123456789012:execution:rapport-first-small-purchase:${EXECUTION_NAME}`,
      },
    ],
  });
}

/** The 202 of POST /events: the event is queued (and, with the inline queue, already applied). */
export const QUEUED = { status: 'queued', eventId: 'e-1', customerId: 'c-42' };

/** A logger that writes (unlike the silenced default of the test setup), and what it wrote. */
export function capturedLogs() {
  const logger = createLogger({ logLevel: 'INFO' });
  return {
    observability: { logger, metrics: new Metrics({ namespace: 'Rapport', logger }) },
    ...capturedLogLines(),
  };
}
