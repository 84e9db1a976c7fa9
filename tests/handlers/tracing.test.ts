import { join } from 'node:path';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { SQSBatchResponse } from 'aws-lambda';
import { Segment, type Subsegment } from 'aws-xray-sdk-core';
import { buildSync } from 'esbuild';
import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { SendMessageInput } from '../../domain/messages/send';
import { createIngestEventHandler } from '../../functions/ingest-event/handler';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { WORKFLOWS_DIR } from '../support/paths';
import { realSendHandler } from './send-wiring';
import { fixture, mockedProviders, PURCHASE, seedProfile, sqsBatch } from './support';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const NOW = '2026-11-22T10:00:02.000Z';
const EMAIL = PURCHASE.customer.email;
const PHONE = '+8613800138000';

/**
 * A real Powertools Tracer as it is in Lambda (tracing on), its segment a real X-Ray segment held here
 * instead of in the Lambda context: what the handlers write is the trace document X-Ray would receive.
 */
function tracedInLambda() {
  const tracer = new Tracer({ serviceName: 'rapport', captureHTTPsRequests: false });
  const root = new Segment('rapport');
  let current: Segment | Subsegment = root;
  jest.spyOn(tracer, 'isTracingEnabled').mockReturnValue(true);
  jest.spyOn(tracer, 'getSegment').mockImplementation(() => current);
  jest.spyOn(tracer, 'setSegment').mockImplementation((s) => void (current = s));
  jest.spyOn(tracer, 'putAnnotation').mockImplementation((k, v) => current.addAnnotation(k, v));
  /** Every subsegment by name, with its annotations. */
  const annotated = (): { name: string; annotations: unknown }[] => {
    const all: { name: string; annotations: unknown }[] = [];
    const walk = (s: { subsegments?: Subsegment[] }) =>
      s.subsegments?.forEach((sub) => {
        const { name, annotations } = sub as Subsegment & { annotations?: unknown };
        all.push({ name, annotations });
        walk(sub);
      });
    walk(root);
    return all;
  };
  return { tracer, annotated, document: () => JSON.stringify(root) };
}

const lifecycle = (store = memoryStore()) => ({
  ...createObservability(),
  store,
  starter: memoryStarter(),
  publisher: memoryPublisher(),
  clock: fixedClock(NOW),
  lifecycle: workflows.lifecycle,
  calendar: workflows.calendar,
  journeys: workflows.journeys.map((j) => j.journey),
  // No text in these events: nothing to classify.
  sentiment: { classify: () => Promise.reject(new Error('no text to classify')) },
});

describe('tracing a handler', () => {
  it('labels each event of an ingest batch with its customer id, and the trace holds no address', async () => {
    const trace = tracedInLambda();
    const store = memoryStore();
    const ingest = createIngestEventHandler({ ...lifecycle(store), tracer: trace.tracer });
    const sms = { ...PURCHASE, eventId: 'e-2', customerId: 'c-43', customer: { phone: PHONE } };
    const batch = sqsBatch('sqs-ingest-batch.json', PURCHASE, sms);
    const out = (await invokeLambda('rapport-ingest-event', ingest, batch)) as SQSBatchResponse;

    expect(out.batchItemFailures).toEqual([]);
    expect(trace.annotated()).toEqual([
      // The handler's own (named after _HANDLER), annotated by Powertools.
      {
        name: expect.stringMatching(/^## /),
        annotations: { ColdStart: expect.any(Boolean), Service: 'rapport' },
      },
      { name: 'ingest', annotations: { customerId: 'c-42' } },
      { name: 'ingest', annotations: { customerId: 'c-43' } },
    ]);
    for (const personal of [EMAIL, PHONE, 'li@', '13800138000'])
      expect(trace.document()).not.toContain(personal);
    // The addresses were there to leak: the profiles hold them.
    expect(JSON.stringify([...store.profiles.values()])).toContain(EMAIL);
  });

  it('labels a journey step with its journey and customer ids', async () => {
    const store = memoryStore();
    const ingest = createIngestEventHandler(lifecycle(store));
    await invokeLambda('rapport-ingest-event', ingest, sqsBatch('sqs-ingest-batch.json', PURCHASE));
    const trace = tracedInLambda();
    const step = createJourneyStepHandler({
      ...createObservability(),
      tracer: trace.tracer,
      store,
      clock: fixedClock(NOW),
    });
    const update = { set: { tier: 'gold' }, addTags: [], removeTags: [] };
    const input = { action: 'update', customerId: 'c-42', journeyId: 'first-small-purchase' };
    const ids = { journeyVersion: 1, stepId: 'tag', executionId: 'x-1' };
    expect(await invokeLambda('rapport-journey-step', step, { ...input, ...ids, update })).toMatchObject({
      updated: true,
    });
    expect(trace.annotated()).toContainEqual({
      name: 'journey-step',
      annotations: { journeyId: 'first-small-purchase', customerId: 'c-42' },
    });
    expect(trace.document()).not.toContain(EMAIL);
  });

  it('labels a send with its journey and customer ids, not the address it sent to', async () => {
    const store = memoryStore();
    await seedProfile(store, workflows.lifecycle);
    const { sesClient, ses, smsClient, sms } = mockedProviders();
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    const trace = tracedInLambda();
    const send = realSendHandler({
      store,
      workflows,
      clients: { sesClient, smsClient },
      clock: fixedClock(NOW),
      tracer: trace.tracer,
    });
    const task = fixture<SendMessageInput>('sfn-send-message-task.json');
    try {
      expect(await invokeLambda('rapport-send-message', send, task)).toMatchObject({ status: 'sent' });
    } finally {
      ses.restore();
      sms.restore();
    }
    expect(trace.annotated()).toContainEqual({
      name: 'send-message',
      annotations: { journeyId: task.journeyId, customerId: task.customerId },
    });
    expect(trace.document()).not.toContain(EMAIL);
  });

  it('runs untraced without a tracer (the local runtime, the tests)', async () => {
    const ingest = createIngestEventHandler(lifecycle());
    const batch = sqsBatch('sqs-ingest-batch.json', PURCHASE);
    expect(await invokeLambda('rapport-ingest-event', ingest, batch)).toEqual({ batchItemFailures: [] });
    // A Tracer outside Lambda (no AWS_EXECUTION_ENV) turns itself off.
    expect(new Tracer().isTracingEnabled()).toBe(false);
  });

  it('leaves the Tracer and the X-Ray SDK out of the local runtime (handlers import its middleware only)', () => {
    const { metafile } = buildSync({
      entryPoints: [join(__dirname, '..', '..', 'local', 'main.ts')],
      bundle: true,
      platform: 'node',
      packages: 'external',
      write: false,
      outdir: 'unused',
      metafile: true,
      logLevel: 'error',
    });
    const imported = Object.values(metafile.inputs).flatMap((i) => i.imports.map((imp) => imp.path));
    expect(imported).toContain('@aws-lambda-powertools/tracer/middleware');
    expect(imported.filter((p) => /^(@aws-lambda-powertools\/tracer|aws-xray-sdk-core)$/.test(p))).toEqual(
      [],
    );
  });
});
