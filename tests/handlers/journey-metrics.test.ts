import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { SQSEvent } from 'aws-lambda';
import { memoryStore } from '../../adapters/memory/stores';
import { createLexiconClassifier } from '../../adapters/sentiment/lexicon';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { ingestEvent } from '../../domain/ingest';
import type { SendMessageInput } from '../../domain/messages/send';
import type { CustomerStore } from '../../domain/ports';
import { createIngestEventHandler } from '../../functions/ingest-event/handler';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createSweepWorkerHandler } from '../../functions/sweep-worker/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { lifecycleDeps, shippedLifecycleDeps } from '../support/lifecycle';
import { WORKFLOWS_DIR } from '../support/paths';
import { capturedLogLines } from '../support/logs';
import { realSendHandler } from './send-wiring';
import { fixture, mockedProviders, PURCHASE, seedProfile, sqsBatch } from './support';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const NOW = '2026-11-22T10:00:03.000Z';

/** One metric value as CloudWatch reads it from an EMF document: per dimension set. */
interface Point {
  name: string;
  dims: Record<string, unknown>;
  value: unknown;
}

/**
 * Runs `work` with metrics published as on Lambda (the test setup disables them) and returns every EMF
 * document Powertools printed to stdout, as the metric values CloudWatch extracts from them.
 */
async function published(work: () => Promise<unknown>): Promise<Point[]> {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const { lines, restore } = capturedLogLines();
  try {
    await work();
  } finally {
    restore();
    process.env.POWERTOOLS_METRICS_DISABLED = before;
  }
  type Emf = { _aws?: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
  return (lines as (Emf & Record<string, unknown>)[]).flatMap((doc) =>
    (doc._aws?.CloudWatchMetrics ?? []).flatMap(({ Dimensions, Metrics }) =>
      Metrics.flatMap(({ Name }) =>
        Dimensions.map((set) => ({
          name: Name,
          dims: Object.fromEntries(set.map((k) => [k, doc[k]])),
          value: doc[Name],
        })),
      ),
    ),
  );
}

const named = (points: Point[], name: string) => points.filter((p) => p.name === name);

describe('send-message: message metrics per journey and channel', () => {
  const providers = mockedProviders();
  let store: CustomerStore;
  beforeEach(async () => {
    store = memoryStore();
    providers.ses.reset();
    providers.ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
  });
  afterAll(() => {
    providers.ses.restore();
    providers.sms.restore();
  });
  const send = (input: SendMessageInput) => {
    const handler = realSendHandler({
      store,
      workflows,
      clients: providers,
      clock: fixedClock(NOW),
      observability: createObservability(),
    });
    return invokeLambda('rapport-send-message', handler, input);
  };
  const task = (patch: Partial<SendMessageInput> = {}) => ({
    ...fixture<SendMessageInput>('sfn-send-message-task.json'),
    ...patch,
  });

  it('a sent email: MessagesSent with journey and the channel used, beside the service-only EmailsSent', async () => {
    await seedProfile(store, workflows.lifecycle);
    // `preferred`: the dimension is the channel the message went through, not the step's.
    const points = await published(() => send(task({ channel: 'preferred' })));
    expect(named(points, 'MessagesSent')).toEqual([
      {
        name: 'MessagesSent',
        dims: { service: 'rapport', journey: 'first-small-purchase', channel: 'email' },
        value: 1,
      },
    ]);
    // The aggregate the alarms and the volume graphs read: as before, service only.
    expect(named(points, 'EmailsSent')).toEqual([
      { name: 'EmailsSent', dims: { service: 'rapport' }, value: 1 },
    ]);
  });

  it('a skipped send: MessagesSkipped with journey, the step’s channel and the reason', async () => {
    await seedProfile(store, workflows.lifecycle, {
      consent: { email: { status: 'unsubscribed', at: NOW, source: 'test' } },
    });
    const points = await published(() => send(task()));
    // Published at once; the service-only aggregate at the end of the invocation.
    expect(named(points, 'MessagesSkipped')).toEqual([
      {
        name: 'MessagesSkipped',
        dims: { service: 'rapport', journey: 'first-small-purchase', channel: 'email', reason: 'no-consent' },
        value: 1,
      },
      { name: 'MessagesSkipped', dims: { service: 'rapport' }, value: 1 },
    ]);
    expect(named(points, 'MessagesSent')).toEqual([]);
  });
});

describe('journey-step: a send that gave up', () => {
  it('MessagesFailed with journey and the step’s channel, beside the service-only aggregate', async () => {
    const store = memoryStore();
    await seedProfile(store, workflows.lifecycle);
    const input = {
      customerId: 'c-42',
      journeyId: 'service-recovery',
      journeyVersion: 1,
      stepId: 'apologise',
      executionId: 'arn:aws:states:eu-west-1:123456789012:execution:rapport-service-recovery:x',
      action: 'send-failed',
      channel: 'preferred',
      template: 'service-apology',
      category: 'transactional',
      priority: 'normal',
      error: 'MessageThrottledError',
    };
    // Built inside: its Metrics reads whether publishing is on when it is made.
    const points = await published(() =>
      invokeLambda(
        'rapport-journey-step',
        createJourneyStepHandler({ ...createObservability(), store, clock: fixedClock(NOW) }),
        input,
      ),
    );
    expect(named(points, 'MessagesFailed')).toEqual([
      {
        name: 'MessagesFailed',
        dims: { service: 'rapport', journey: 'service-recovery', channel: 'preferred' },
        value: 1,
      },
      { name: 'MessagesFailed', dims: { service: 'rapport' }, value: 1 },
    ]);
  });
});

describe('ingest-event: goals reached and stage changes', () => {
  it('a second purchase converts first-small-purchase (GoalReached per journey) and moves the customer on (StageLeft, StageEntered)', async () => {
    const { deps } = shippedLifecycleDeps(memoryStore(), NOW);
    const ingest = (event: object) =>
      invokeLambda(
        'rapport-ingest-event',
        createIngestEventHandler({ ...createObservability(), ...deps, sentiment: createLexiconClassifier() }),
        sqsBatch('sqs-ingest-batch.json', event),
      );
    const first = await published(() => ingest(PURCHASE));
    // A new customer: created in prospect (an entry with no announced change), then moved on by the purchase.
    const stage = (stage: string) => ({ service: 'rapport', stage });
    expect(named(first, 'StageEntered').map((p) => p.dims)).toEqual([
      stage('first-purchase'),
      stage('prospect'),
    ]);
    expect(named(first, 'StageLeft').map((p) => p.dims)).toEqual([stage('prospect')]);
    expect(named(first, 'TierEntered')).toEqual([
      { name: 'TierEntered', dims: { service: 'rapport', tier: 'regular' }, value: 1 },
    ]);
    expect(named(first, 'TierLeft')).toEqual([]);
    expect(named(first, 'GoalReached')).toEqual([]);

    const second = await published(() =>
      ingest({ ...PURCHASE, eventId: 'e-2', at: '2026-11-22T12:00:00Z', amount: 80 }),
    );
    expect(named(second, 'GoalReached')).toEqual([
      { name: 'GoalReached', dims: { service: 'rapport', journey: 'first-small-purchase' }, value: 1 },
    ]);
    expect(named(second, 'StageLeft')).toEqual([
      { name: 'StageLeft', dims: { service: 'rapport', stage: 'first-purchase' }, value: 1 },
    ]);
    expect(named(second, 'StageEntered').map((p) => p.dims.stage)).toEqual([expect.any(String)]);
  });
});

describe('sweep-worker: stage changes the passing time makes', () => {
  it('counts the customer out of first-purchase and into dormant', async () => {
    const deps = lifecycleDeps('2026-01-01T00:00:00Z');
    await ingestEvent(
      {
        ...PURCHASE,
        eventId: 'p',
        customerId: 'c-due',
        at: '2026-01-01T00:00:00Z',
        amount: 5,
        currency: 'USD',
      },
      deps,
    );
    deps.clock.set('2026-04-10T00:00:00Z');
    const points = await published(() =>
      invokeLambda(
        'rapport-sweep-worker',
        createSweepWorkerHandler({ ...createObservability(), ...deps }),
        fixture<SQSEvent>('sqs-sweep-work.json'),
      ),
    );
    expect(named(points, 'StageLeft').map((p) => p.dims)).toEqual([
      { service: 'rapport', stage: 'first-purchase' },
    ]);
    expect(named(points, 'StageEntered').map((p) => p.dims)).toEqual([
      { service: 'rapport', stage: 'dormant' },
    ]);
  });
});
