import {
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { memoryStore } from '../../adapters/memory/stores';
import { createJourneyStarter, executionArnFor } from '../../adapters/stepfunctions/journey-starter';
import { tombstoneKey } from '../../domain/erase';
import { QueuedStart } from '../../domain/journey/queued-start';
import { createPacer } from '../../domain/pacing';
import { createStartJourneyHandler } from '../../functions/start-journey/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { grantedTo } from '../support/grants';
import { fixture, sqsBatch } from './support';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:rapport-first-small-purchase';
const FIXTURE = 'sqs-start-batch.json';
const START = QueuedStart.parse(JSON.parse(fixture<SQSEvent>(FIXTURE).Records[0]!.body));
const ARN = executionArnFor(STATE_MACHINE_ARN, START.executionName);

const sfnClient = new SFNClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 't', secretAccessKey: 't' },
});
const sfn = mockClient(sfnClient);
beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => ({
    executionArn: executionArnFor(input.stateMachineArn!, input.name!),
    startDate: new Date(),
  }));
  sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
});
afterAll(() => sfn.restore());

/** start-journey over a memory store holding the entry enterJourneys wrote before queueing the start. */
async function world(
  options: { entry?: 'open' | 'converted' | 'none'; pacer?: ReturnType<typeof createPacer> } = {},
) {
  const store = memoryStore();
  if ((options.entry ?? 'open') !== 'none')
    await store.putJourneyEntries([
      {
        customerId: 'c-42',
        journeyId: START.journeyId,
        journeyVersion: 4,
        executionName: START.executionName,
        executionArn: ARN,
        enteredAt: '2026-11-22T10:00:02.000Z',
        trigger: { eventId: 'e-1', eventType: 'purchase', at: '2026-11-22T10:00:00Z' },
        ...(options.entry === 'converted'
          ? { converted: { eventId: 'e-2', at: '2026-11-22T10:01:00Z' } }
          : {}),
      },
    ]);
  const handler = createStartJourneyHandler({
    ...createObservability(),
    store,
    starter: createJourneyStarter(grantedTo('start-journey', sfnClient), {
      [START.journeyId]: STATE_MACHINE_ARN,
    }),
    ...(options.pacer ? { pacer: options.pacer } : {}),
  });
  const deliver = (event: SQSEvent = fixture<SQSEvent>(FIXTURE)) =>
    invokeLambda('rapport-start-journey', handler, event) as Promise<SQSBatchResponse>;
  return { store, deliver };
}

const starts = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);

describe('start-journey: the start queue’s consumer', () => {
  it('an open entry: StartExecution under the deterministic name with the queued input; no failure', async () => {
    const { deliver } = await world();
    expect(await deliver()).toEqual({ batchItemFailures: [] });
    expect(starts()).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: START.executionName, input: JSON.stringify(START.input) },
    ]);
  });

  it('delivered twice (at least once): ExecutionAlreadyExists is done, not a failure', async () => {
    const { deliver } = await world();
    await deliver();
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    expect(await deliver()).toEqual({ batchItemFailures: [] });
  });

  it('its entry gone (erased) or converted (a goal came while it waited): skipped, no StartExecution', async () => {
    for (const entry of ['none', 'converted'] as const) {
      sfn.resetHistory();
      const { deliver } = await world({ entry });
      expect(await deliver()).toEqual({ batchItemFailures: [] });
      expect(starts()).toEqual([]);
    }
  });

  it('erased between the check and the start: the execution is stopped at once', async () => {
    const { deliver, store } = await world();
    sfn.on(StartExecutionCommand).callsFake(async (input: StartExecutionCommandInput) => {
      await store.putTombstone({ key: tombstoneKey('c-42'), erasedAt: '2026-11-22T10:05:00Z' });
      return { executionArn: executionArnFor(input.stateMachineArn!, input.name!), startDate: new Date() };
    });
    expect(await deliver()).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ executionArn: ARN, error: 'CustomerErased' }),
    ]);
  });

  it.each([
    ['ThrottlingException', { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }],
    ['HTTP 429', { name: 'TooManyRequests', $metadata: { httpStatusCode: 429 } }],
    ['ServiceUnavailable', { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }],
  ])('throttled (%s): a failure of that message alone, delivered again later', async (_n, error) => {
    const { deliver } = await world();
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), error))
      .callsFake((input: StartExecutionCommandInput) => ({
        executionArn: executionArnFor(input.stateMachineArn!, input.name!),
        startDate: new Date(),
      }));
    const other = { ...START, executionName: 'first-small-purchase-c-42-other' };
    const batch = sqsBatch(FIXTURE, START, other);
    const result = await deliver(batch);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[0]!.messageId }]);
    // The second start had no entry: skipped. The first, delivered again, starts.
    expect(await deliver(sqsBatch(FIXTURE, START))).toEqual({ batchItemFailures: [] });
    expect(starts().map((s) => s.name)).toEqual([START.executionName, START.executionName]);
  });

  it('a malformed message is a failure (kept for the dead-letter queue), no call made', async () => {
    const { deliver } = await world();
    const batch = sqsBatch(FIXTURE, { journeyId: START.journeyId }, 'not json');
    expect((await deliver(batch)).batchItemFailures).toHaveLength(2);
    expect(starts()).toEqual([]);
  });

  it('paced: a start whose turn comes after the deadline is left for a later delivery, not made late', async () => {
    let now = 0;
    // One start a minute: the second would wait past the invocation's (local) 60 s timeout.
    const pacer = createPacer(
      { perSecond: 1 / 60, burst: 1 },
      { now: () => now, sleep: async (ms) => void (now += ms) },
    );
    const { deliver } = await world({ pacer });
    const batch = sqsBatch(FIXTURE, START, START);
    const result = await deliver(batch);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[1]!.messageId }]);
    expect(starts()).toHaveLength(1);
  });
});
