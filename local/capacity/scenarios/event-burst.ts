import type { SQSEvent } from 'aws-lambda';
import { createLexiconClassifier } from '../../../adapters/sentiment/lexicon';
import { loadWorkflows } from '../../../domain/config/load';
import { DEFAULT_SCALE, sendConcurrency, type Scale } from '../../../domain/config/scale';
import { createIngestEventHandler } from '../../../functions/ingest-event/handler';
import { eachRecord } from '../../../functions/shared/sqs';
import { createObservability } from '../../../functions/shared/observability';
import { invokeLambda } from '../../lambda';
import { LATENCY_MS } from '../latency';
import { CapacityModel, type Figures } from '../model';
import { runPipeline, type PipelineContext, type StageSpec } from '../pipeline';
import { quietHandlers } from '../quiet';

export interface EventBurstOptions {
  workflowsDir: string;
  eventsPerSecond: number;
  seconds: number;
  scale?: Partial<Scale>;
  /**
   * The queues and consumers from the event to the execution. Today's: EventBridge's rule targets the
   * ingest queue, consumed by ingest-event, which starts journeys inline. Round 2 passes accept-event,
   * ingest-event and start-journey (the start queue) here.
   */
  stages?: (scale: Scale) => StageSpec[];
}

export interface EventBurstResult {
  figures: Figures;
  /** Events put on the bus, customers whose profile exists at the end, journeys started. */
  events: number;
  profiles: number;
  journeysStarted: number;
  /** Virtual seconds from the first event until the ingest queue was empty. */
  drainedAfterSeconds: number;
  cpuSeconds: number;
}

const START = '2026-11-23T02:00:00.000Z';

/**
 * Scenario 2 of #12: a burst of first purchases through EventBridge into the ingest queue. Each event is
 * a new customer's first purchase (each starts the first-purchase journey). Runs until the queues are
 * empty; the executions are left where they wait.
 */
export async function eventBurst(options: EventBurstOptions): Promise<EventBurstResult> {
  quietHandlers();
  const cpu0 = process.cpuUsage();
  const scale: Scale = { ...DEFAULT_SCALE, ...options.scale };
  const workflows = loadWorkflows(options.workflowsDir);
  const model = new CapacityModel({
    start: START,
    scale,
    reserved: { 'send-message': sendConcurrency(scale) },
  });
  const total = Math.round(options.eventsPerSecond * options.seconds);
  const start = Date.parse(START);
  let put = 0;
  let drainedAt = start;
  try {
    const stages = (options.stages ?? todaysStages)(scale);
    await runPipeline(model, {
      workflows,
      journeys: workflows.journeys,
      stages,
      drive: (c) => {
        const bus = c.queues[stages[0]!.queue]!;
        for (let i = 0; i < total; i++)
          model.clock.at(start + Math.floor((i * 1000) / options.eventsPerSecond), () => {
            void model.clock
              .sleep(LATENCY_MS.eventBridge)
              .then(() => bus.send([eventBridgeEnvelope(purchase(i))]))
              .then(() => void put++);
          });
      },
      done: (c) => {
        if (put < total || !queuesEmpty(c)) return false;
        drainedAt = model.clock.now();
        return true;
      },
    });
    return {
      figures: model.figures(),
      events: put,
      profiles: model.memory.profiles.size,
      journeysStarted: model.startBucket.taken,
      drainedAfterSeconds: (drainedAt - start) / 1000,
      cpuSeconds: cpuSince(cpu0),
    };
  } finally {
    await model.close();
  }
}

function queuesEmpty(ctx: PipelineContext): boolean {
  return Object.values(ctx.model.figures().queues).every((q) => q.depth === 0);
}

/**
 * Today's path: EventBridge → the ingest queue → ingest-event, whose handler takes one EventBridge event
 * (so a thin SQS adapter runs it per record, as round 2's ingest-event consumer will).
 */
export function todaysStages(scale: Scale): StageSpec[] {
  return [
    {
      queue: 'ingest',
      settings: { visibilityTimeoutSeconds: 60, maxReceiveCount: 5 },
      fn: 'ingest-event',
      mapping: { batchSize: 10, maximumConcurrency: scale.ingestConcurrency },
      handler: (ctx) => {
        const observability = createObservability();
        const ingest = createIngestEventHandler({
          ...observability,
          ...ctx.lifecycle,
          sentiment: createLexiconClassifier(),
          eventTimes: ctx.workflows.settings.events,
        });
        return async (event: SQSEvent) =>
          eachRecord(
            event,
            (body: unknown) => invokeLambda('ingest-event', ingest, body as never).then(() => undefined),
            {
              ...observability,
              concurrency: 1,
            },
          );
      },
    },
  ];
}

function purchase(i: number) {
  return {
    eventId: `burst-${i}`,
    type: 'purchase',
    customerId: `b${i}`,
    at: START,
    amount: 19.9,
    currency: 'CNY',
    customer: { email: `b${i}@example.com`, locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
  };
}

function eventBridgeEnvelope(detail: ReturnType<typeof purchase>) {
  return {
    version: '0',
    id: `model-${detail.eventId}`,
    'detail-type': 'Customer Event',
    source: 'rapport.capacity',
    account: '000000000000',
    time: detail.at,
    region: 'model',
    resources: [],
    detail,
  };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
