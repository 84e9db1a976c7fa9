import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
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
import { InvalidEventError } from '../../domain/errors';
import { suppressionKey } from '../../domain/messages/policy';
import { createAcceptEventHandler } from '../../functions/accept-event/handler';
import { createIngestEventHandler } from '../../functions/ingest-event/handler';
import { createLogger, createObservability } from '../../functions/shared/observability';
import { inlineQueue } from '../../local/inline-queue';
import { invokeLambda } from '../../local/lambda';
import { grantedTo } from '../support/grants';
import { WORKFLOWS_DIR } from '../support/local';
import { capturedLogLines } from '../support/logs';
import {
  fixture,
  PURCHASE,
  sqsBatch,
  startDynalite,
  type Item,
  type LocalDynamo,
  type Table,
} from './support';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:rapport-first-small-purchase';
/**
 * The execution name for (first-small-purchase, c-42, e-1). Pinned: if the naming scheme changed between
 * deployments, an event redelivered across the change would start its journey a second time.
 */
const EXECUTION_NAME = 'first-small-purchase-c-42-c9c2a50a33958024';
const NOW = '2026-11-22T10:00:02.000Z';

const HTTP_FIXTURE = 'http-api-v2-post-events.json';
const HTTP_BASE64_FIXTURE = 'http-api-v2-post-events-base64.json';
const EVENTBRIDGE_FIXTURE = 'eventbridge-purchase.json';

type HttpEvent = APIGatewayProxyEventV2;
type BridgeEvent = EventBridgeEvent<string, unknown>;

let dynamo: LocalDynamo;
let table: Table;
const sfnClient = new SFNClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const sfn = mockClient(sfnClient);
const eventBridgeClient = new EventBridgeClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const eventBridge = mockClient(eventBridgeClient);
const comprehendClient = new ComprehendClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const comprehend = mockClient(comprehendClient);
const sqsClient = new SQSClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
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
const queueFailures: Error[] = [];

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
function handler(t: Table = table, observability = createObservability()) {
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
function invoke(event: BridgeEvent, h = handler()): Promise<SQSBatchResponse> {
  return invokeLambda(
    'rapport-ingest-event',
    h,
    sqsBatch('sqs-ingest-batch.json', event),
  ) as Promise<SQSBatchResponse>;
}

/** POST /events: accept-event, whose ingest queue delivers (inline, as locally) to `h`. */
async function invokeHttp(event: HttpEvent, h: IngestHandler = handler()) {
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

const failed = (n: number) => ({
  batchItemFailures: Array.from({ length: n }, () => ({ itemIdentifier: expect.any(String) as string })),
});

function httpWithBody(body: string, base64 = false): HttpEvent {
  const event = fixture<HttpEvent>(HTTP_FIXTURE);
  return { ...event, body: base64 ? Buffer.from(body).toString('base64') : body, isBase64Encoded: base64 };
}

function startCalls(): StartExecutionCommandInput[] {
  return sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
}

const byKind = (items: Item[], prefix: string) => items.filter((i) => i.sk.startsWith(prefix));

/** What one first small purchase must leave behind, however it arrived and however often. */
async function expectJourneyStartedOnce(t: Table = table) {
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
const QUEUED = { status: 'queued', eventId: 'e-1', customerId: 'c-42' };

describe('ingest-event: the issue’s first small purchase', () => {
  it('the fixtures carry the issue’s example purchase', () => {
    expect(JSON.parse(fixture<HttpEvent>(HTTP_FIXTURE).body!)).toEqual(PURCHASE);
    const b64 = fixture<HttpEvent>(HTTP_BASE64_FIXTURE);
    expect(b64.isBase64Encoded).toBe(true);
    expect(JSON.parse(Buffer.from(b64.body!, 'base64').toString('utf8'))).toEqual(PURCHASE);
    expect(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE).detail).toEqual(PURCHASE);
  });

  it('over HTTP: 202 queued; then stage first-purchase, firstPurchaseSmall, one StartExecution with a deterministic name', async () => {
    const res = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    expect(res.statusCode).toBe(202);
    expect(res.headers).toMatchObject({ 'content-type': expect.stringMatching(/^application\/json/) });
    expect(res.json).toEqual(QUEUED);
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('announces the stage change on the event bus, with an id a consumer can deduplicate on', async () => {
    await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries).toEqual([
      expect.objectContaining({
        EventBusName: 'rapport',
        Source: 'rapport.lifecycle',
        DetailType: 'Rapport Stage Changed',
        Time: new Date(PURCHASE.at),
      }),
    ]);
    expect(JSON.parse(entries[0]!.Detail!)).toEqual({
      id: `c-42:stage:first-purchase:${PURCHASE.at}`,
      customerId: 'c-42',
      kind: 'stage',
      from: 'prospect',
      to: 'first-purchase',
      at: PURCHASE.at,
      cause: { kind: 'event', eventId: 'e-1', eventType: 'purchase' },
    });
  });

  it('EventBridge refusing the announcement fails the message (so the queue delivers it again) and records nothing as handled', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'ev-2' }] });
    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE))).toEqual(failed(1));
    expect((await table.scan()).filter((i) => String(i.sk).startsWith('EVENT#'))).toEqual([]);
    await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE));
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('over HTTP with a base64-encoded body: the same result', async () => {
    const res = await invokeHttp(fixture<HttpEvent>(HTTP_BASE64_FIXTURE));
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual(QUEUED);
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('from EventBridge through the ingest queue: the same result, and no failure reported', async () => {
    const result = await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('names the execution the same way in another table and through another entry point', async () => {
    await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    const other = await dynamo.freshTable();
    await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), handler(other));
    expect(startCalls().map((c) => c.name)).toEqual([EXECUTION_NAME, EXECUTION_NAME]);
    expect(EXECUTION_NAME.length).toBeLessThanOrEqual(80);
  });

  it('a purchase above the small threshold moves the stage but starts no journey', async () => {
    const res = await invokeHttp(httpWithBody(JSON.stringify({ ...PURCHASE, amount: 999 })));
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual(QUEUED);
    expect(startCalls()).toHaveLength(0);
    const [address, event, profile] = await table.scan();
    expect(address).toMatchObject({
      pk: `ADDRESS#${suppressionKey('email', 'li@example.com')}`,
      sk: 'CUSTOMER#c-42',
    });
    expect(event).toMatchObject({ sk: 'EVENT#e-1', executions: [] });
    expect(profile).toMatchObject({ sk: 'PROFILE', firstPurchaseSmall: false, stage: 'first-purchase' });
  });
});

describe('ingest-event: exactly once', () => {
  it('the same event twice: one stage change, one journey, one event record; the second answer says duplicate', async () => {
    const h = handler();
    const first = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
    const second = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(first.json).toEqual(QUEUED);
    // Answered from the event's record: nothing is queued for an event already applied.
    expect(second.json).toEqual({ ...QUEUED, status: 'duplicate' });
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('the same event over HTTP and then from EventBridge is still one event', async () => {
    const h = handler();
    await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
    // A duplicate is a success: the message is deleted, not delivered again.
    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual({ batchItemFailures: [] });
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('two concurrent deliveries: the profile is applied once and the journey has one name', async () => {
    const h = handler();
    const results = await Promise.all([
      invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h),
      invokeHttp(fixture<HttpEvent>(HTTP_BASE64_FIXTURE), h),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([202, 202]);
    for (const r of results) expect(['queued', 'duplicate']).toContain(r.json.status);
    await expectJourneyStartedOnce();
  });

  it('five concurrent deliveries from both entry points: still one of everything', async () => {
    const h = handler();
    await Promise.all([
      invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h),
      invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h),
      invokeHttp(fixture<HttpEvent>(HTTP_BASE64_FIXTURE), h),
      invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h),
      invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h),
    ]);
    await expectJourneyStartedOnce();
  });

  it('two different purchases at once for one customer: both count (no lost update), one journey', async () => {
    const h = handler();
    const second = httpWithBody(JSON.stringify({ ...PURCHASE, eventId: 'e-2', amount: 5 }));
    const results = await Promise.all([
      invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h),
      invokeHttp(second, h),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([202, 202]);
    const items = await table.scan();
    expect(items.map((i) => i.sk).filter((sk) => !sk.startsWith('JOURNEY#'))).toEqual([
      'CUSTOMER#c-42', // under ADDRESS#: the user of the email address checked against the suppression list
      'EVENT#e-1',
      'EVENT#e-2',
      'PROFILE',
    ]);
    const profile = items.find((i) => i.sk === 'PROFILE')!;
    // A repeat purchase makes the customer active, whichever of the two was applied first.
    expect(profile).toMatchObject({ purchaseCount: 2, version: 2, stage: 'active' });
    expect([...(profile.recentEventIds as string[])].sort()).toEqual(['e-1', 'e-2']);
    expect((profile.stageHistory as { to: string }[]).map((c) => c.to)).toEqual(['first-purchase', 'active']);
    // Whichever arrived first was the first purchase and started the journey; the other started none.
    expect(startCalls()).toHaveLength(1);
  });

  it('a crash while queueing the journey start: the message fails, its redelivery starts it once and does not count the purchase twice', async () => {
    const networkError = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: 'Error' });
    queueFailures.push(networkError);
    const h = handler();

    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual(failed(1));
    // The profile and the journey entry (written before the start) are there; the event is not handled yet.
    const afterCrash = await table.scan();
    expect(afterCrash.map((i) => i.sk)).toEqual([
      'CUSTOMER#c-42', // under ADDRESS#, written with the journey entry
      `JOURNEY#first-small-purchase#${EXECUTION_NAME}`,
      'PROFILE',
    ]);

    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual({ batchItemFailures: [] });
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('over HTTP, a failure to apply the event is delivered again by the (local, inline) queue: 202 once applied', async () => {
    queueFailures.push(new Error('socket hang up'));
    const res = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    expect(queueFailures).toEqual([]); // the first delivery met the failure
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual(QUEUED);
    await expectJourneyStartedOnce();
  });

  it('a crash from EventBridge: the message fails (so the queue delivers it again) and the retry completes the work', async () => {
    queueFailures.push(new Error('connect ETIMEDOUT'));
    const h = handler();
    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual(failed(1));
    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual({ batchItemFailures: [] });
    const profile = (await table.scan()).find((i) => i.sk === 'PROFILE');
    expect(profile).toMatchObject({ sk: 'PROFILE', purchaseCount: 1, version: 1, recentEventIds: ['e-1'] });
    expect(new Set(startCalls().map((c) => c.name))).toEqual(new Set([EXECUTION_NAME]));
  });

  it('ExecutionAlreadyExists from Step Functions means already started: 202 and the event is recorded', async () => {
    sfn.on(StartExecutionCommand).rejects(
      new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${EXECUTION_NAME}'`,
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const res = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual(QUEUED);
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('a second purchase with another event id counts and makes the customer active, but does not restart the journey', async () => {
    const h = handler();
    await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
    const res = await invokeHttp(
      httpWithBody(JSON.stringify({ ...PURCHASE, eventId: 'e-2', at: '2026-11-23T10:00:00Z' })),
      h,
    );
    expect(res.json).toEqual({ ...QUEUED, eventId: 'e-2' });
    expect(startCalls()).toHaveLength(1);
    const profile = (await table.scan()).find((i) => i.sk === 'PROFILE');
    expect((profile!.stageHistory as { to: string; cause: { eventId: string } }[]).at(-1)).toMatchObject({
      from: 'first-purchase',
      to: 'active',
      cause: { kind: 'event', eventId: 'e-2' },
    });
    expect(profile).toMatchObject({
      stage: 'active',
      purchaseCount: 2,
      version: 2,
      recentEventIds: ['e-1', 'e-2'],
      firstPurchase: { eventId: 'e-1' },
    });
  });
});

describe('ingest-event: bad input is refused precisely and changes nothing', () => {
  interface ErrorBody {
    error: string;
    message: string;
    problems: { field: string; value?: unknown; expected: string }[];
  }

  async function expectRefused(event: HttpEvent, status: number) {
    const res = await invokeHttp(event);
    expect(res.statusCode).toBe(status);
    expect(res.headers).toMatchObject({ 'content-type': expect.stringMatching(/^application\/json/) });
    expect(await table.scan()).toEqual([]);
    expect(startCalls()).toHaveLength(0);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    return res.json as unknown as ErrorBody;
  }

  const body = (patch: Record<string, unknown>, omit: string[] = []) => {
    const data: Record<string, unknown> = { ...PURCHASE, ...patch };
    for (const k of omit) delete data[k];
    return JSON.stringify(data);
  };

  it('malformed JSON → 400 naming the whole body and what JSON.parse said', async () => {
    const res = await expectRefused(httpWithBody('{"eventId":"e-1",'), 400);
    expect(res.error).toBe('MalformedJsonError');
    expect(res.problems).toEqual([
      { field: '', value: '{"eventId":"e-1",', expected: expect.stringMatching(/^valid JSON \(.+\)$/) },
    ]);
  });

  it('malformed JSON in a base64 body → 400', async () => {
    const res = await expectRefused(httpWithBody('not json', true), 400);
    expect(res.problems).toEqual([
      { field: '', value: 'not json', expected: expect.stringMatching(/^valid JSON/) },
    ]);
  });

  it('an empty body → 400', async () => {
    const event = { ...fixture<HttpEvent>(HTTP_FIXTURE) };
    delete event.body;
    const res = await expectRefused(event, 400);
    expect(res.problems).toEqual([{ field: '', expected: 'a JSON object describing one event' }]);
  });

  it.each([['[]'], ['null'], ['"purchase"'], ['42']])(
    'a JSON body that is not an object (%s) → 400 on the whole input',
    async (text) => {
      const res = await expectRefused(httpWithBody(text), 400);
      expect(res.problems).toEqual([
        expect.objectContaining({ field: '', value: JSON.parse(text) as unknown }),
      ]);
    },
  );

  it('an unknown event type → 400 naming type and the known types', async () => {
    const res = await expectRefused(httpWithBody(body({ type: 'refund' })), 400);
    expect(res.error).toBe('InvalidEventError');
    expect(res.problems).toEqual([
      {
        field: 'type',
        value: 'refund',
        expected: 'an event type, one of "purchase", "profile", "feedback", "complaint", "erase"',
      },
    ]);
  });

  it('a missing customerId → 400 naming customerId', async () => {
    const res = await expectRefused(httpWithBody(body({}, ['customerId'])), 400);
    expect(res.problems).toEqual([
      { field: 'customerId', expected: 'the customer id (text, 1–128 characters), e.g. "c-42"' },
    ]);
  });

  it('a negative amount → 400 naming amount, the value and the expected range', async () => {
    const res = await expectRefused(httpWithBody(body({ amount: -5 })), 400);
    expect(res.problems).toEqual([{ field: 'amount', value: -5, expected: 'an amount of 0 or more' }]);
  });

  it('an unparseable timestamp → 400 naming at and the expected format', async () => {
    const res = await expectRefused(httpWithBody(body({ at: 'yesterday at noon' })), 400);
    expect(res.problems).toEqual([
      {
        field: 'at',
        value: 'yesterday at noon',
        expected: 'an ISO 8601 timestamp with a time zone, e.g. "2026-11-22T10:00:00Z"',
      },
    ]);
  });

  it('a timestamp without a time zone → 400', async () => {
    const res = await expectRefused(httpWithBody(body({ at: '2026-11-22T10:00:00' })), 400);
    expect(res.problems).toEqual([expect.objectContaining({ field: 'at', value: '2026-11-22T10:00:00' })]);
  });

  it('an unknown extra field → 400 naming the field, and a nested one with its path', async () => {
    const res = await expectRefused(httpWithBody(body({ coupon: 'X' })), 400);
    expect(res.problems).toEqual([
      { field: 'coupon', value: 'X', expected: expect.stringContaining('no such field') },
    ]);
    const nested = await expectRefused(
      httpWithBody(body({ customer: { ...PURCHASE.customer, nickname: 'Xiao Li' } })),
      400,
    );
    expect(nested.problems).toEqual([
      {
        field: 'customer.nickname',
        value: 'Xiao Li',
        expected: expect.stringContaining('no such field'),
      },
    ]);
  });

  it('several problems at once → all of them', async () => {
    const res = await expectRefused(httpWithBody(body({ amount: -1, currency: 'yuan' }, ['eventId'])), 400);
    expect(res.problems.map((p) => p.field).sort()).toEqual(['amount', 'currency', 'eventId']);
    expect(res.message).toContain('3 problems');
  });

  it('a body over 256 KB → 413 stating the limit', async () => {
    const big = body({ orderId: 'x'.repeat(256 * 1024) });
    const res = await expectRefused(httpWithBody(big), 413);
    expect(res.error).toBe('PayloadTooLargeError');
    expect(res.message).toContain(`request body is ${Buffer.byteLength(big)} bytes`);
    expect(res.message).toContain('expected at most 262144 bytes');
  });

  it('a base64 body whose decoded size is over 256 KB → 413', async () => {
    const res = await expectRefused(httpWithBody(body({ orderId: 'x'.repeat(256 * 1024) }), true), 413);
    expect(res.error).toBe('PayloadTooLargeError');
  });

  it('a body of exactly 256 KB is not refused for its size', async () => {
    const base = body({});
    const exact = `${base.slice(0, -1)}${' '.repeat(256 * 1024 - Buffer.byteLength(base))}}`;
    expect(Buffer.byteLength(exact)).toBe(256 * 1024);
    const res = await invokeHttp(httpWithBody(exact));
    expect(res.statusCode).toBe(202);
  });

  it('EventBridge with an invalid detail → a failure of that message alone (delivered again, then dead-lettered); the valid one beside it is applied', async () => {
    const event = fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE);
    event.detail = { ...PURCHASE, amount: -1, customerId: undefined };
    const batch = sqsBatch('sqs-ingest-batch.json', event, 'not json', PURCHASE);
    const result = (await invokeLambda('rapport-ingest-event', handler(), batch)) as SQSBatchResponse;
    // The valid third message is applied; the invalid and the unreadable ones are kept, never dropped.
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      batch.Records.slice(0, 2).map((r) => r.messageId),
    );
    expect((await table.scan()).map((i) => i.sk)).toContain('EVENT#e-1');
  });

  it('an invalid detail is logged naming its fields, without the values it quotes', async () => {
    const logs = capturedLogs();
    const event = fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE);
    event.detail = { ...PURCHASE, customer: { email: 'li@@example' } };
    try {
      expect(await invoke(event, handler(table, logs.observability))).toEqual(failed(1));
    } finally {
      logs.restore();
    }
    const written = JSON.stringify(logs.lines);
    expect(written).toContain('customer.email');
    expect(written).not.toContain('li@@example');
    expect(await table.scan()).toEqual([]);
    expect(startCalls()).toHaveLength(0);
  });

  it('an invocation that is neither an SQS batch nor DELETE /customers/{id} → InvalidEventError, nothing written', async () => {
    await expect(invokeLambda('rapport-ingest-event', handler(), PURCHASE as never)).rejects.toBeInstanceOf(
      InvalidEventError,
    );
    expect(await table.scan()).toEqual([]);
  });
});

/** A logger that writes (unlike the silenced default of the test setup), and what it wrote. */
function capturedLogs() {
  const logger = createLogger({ logLevel: 'INFO' });
  return {
    observability: { logger, metrics: new Metrics({ namespace: 'Rapport', logger }) },
    ...capturedLogLines(),
  };
}

describe('ingest-event: logs', () => {
  it('a rejected request is not logged under the previous request’s customer and event', async () => {
    const logs = capturedLogs();
    try {
      const h = handler(table, logs.observability);
      await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
      await invokeHttp(httpWithBody('{"eventId":'), h);
    } finally {
      logs.restore();
    }
    const ingested = logs.lines.find((l) => l.message === 'event ingested');
    const rejected = logs.lines.find((l) => l.message === 'event rejected');
    expect(ingested).toMatchObject({ level: 'INFO', customerId: 'c-42', eventId: 'e-1' });
    expect(rejected).toMatchObject({
      level: 'WARN',
      error: expect.objectContaining({ error: 'MalformedJsonError' }),
    });
    expect(rejected).not.toHaveProperty('customerId');
    expect(rejected).not.toHaveProperty('eventId');
  });

  it('never logs an email address, a name or a phone number, even quoted in a rejected event', async () => {
    const logs = capturedLogs();
    try {
      const h = handler(table, logs.observability);
      await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
      await invokeHttp(
        httpWithBody(
          JSON.stringify({
            ...PURCHASE,
            eventId: 'e-bad',
            customer: { email: 'li@@example', firstName: '李小龙', phone: '+86 138 0013 8000' },
          }),
        ),
        h,
      );
    } finally {
      logs.restore();
    }
    const rejected = logs.lines.find((l) => l.message === 'event rejected');
    // The rejection still says which fields were wrong, and why.
    expect(JSON.stringify(rejected)).toContain('customer.email');
    expect(JSON.stringify(rejected)).toContain('customer.phone');
    const written = JSON.stringify(logs.lines);
    for (const personal of ['li@', 'li@@example', 'example.com', '李小龙', '138 0013', '13800138000'])
      expect(written).not.toContain(personal);
  });
});

describe('ingest-event: feedback and complaints', () => {
  const complaint = {
    eventId: 'complaint-1',
    type: 'complaint',
    customerId: 'c-42',
    at: '2026-11-22T10:00:00Z',
    text: '快递太慢了，客服态度也很差，非常失望',
  };

  it('a complaint: its text is read by Comprehend (in Chinese), stored with the sentiment, and marketing pauses for 30 days', async () => {
    const res = await invokeHttp(httpWithBody(JSON.stringify(complaint)));
    expect(res.statusCode).toBe(202);
    expect(comprehend.commandCalls(DetectSentimentCommand).map((c) => c.args[0].input)).toEqual([
      { Text: complaint.text, LanguageCode: 'zh' },
    ]);
    const profile = await table.store.getProfile('c-42');
    expect(profile).toMatchObject({
      mood: { value: 'unhappy', eventId: 'complaint-1' },
      marketingPausedUntil: '2026-12-22T10:00:00.000Z',
      feedback: {
        lastComplaintAt: '2026-11-22T10:00:00Z',
        sentiment: { label: 'negative' },
        comment: { text: complaint.text },
      },
    });
    expect(profile?.relationship?.score).toEqual(expect.any(Number));
  });

  it('an NPS answer out of range → 400 naming the score and the range; nothing stored', async () => {
    const res = await invokeHttp(
      httpWithBody(
        JSON.stringify({
          eventId: 'f-1',
          type: 'feedback',
          customerId: 'c-42',
          at: complaint.at,
          survey: 'nps',
          score: 11,
        }),
      ),
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string)).toMatchObject({
      problems: [{ field: 'score', value: 11, expected: expect.stringContaining('0 to 10 for nps') }],
    });
    expect(await table.scan()).toEqual([]);
  });

  it('a sentiment the sender gives is kept: Comprehend is not asked', async () => {
    await invokeHttp(
      httpWithBody(JSON.stringify({ ...complaint, eventId: 'complaint-2', sentiment: 'mixed' })),
    );
    expect(comprehend.commandCalls(DetectSentimentCommand)).toHaveLength(0);
    expect((await table.store.getProfile('c-42'))?.feedback?.sentiment?.label).toBe('mixed');
  });
});
