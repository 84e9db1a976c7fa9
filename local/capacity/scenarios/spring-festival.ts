import { createLexiconClassifier } from '../../../adapters/sentiment/lexicon';
import { loadWorkflows } from '../../../domain/config/load';
import { DEFAULT_SCALE, sendConcurrency, type Scale } from '../../../domain/config/scale';
import type { LifecycleDeps } from '../../../domain/ports';
import { createIngestEventHandler } from '../../../functions/ingest-event/handler';
import { createObservability } from '../../../functions/shared/observability';
import { createSweepHandler } from '../../../functions/sweep/handler';
import { invokeLambda, type LambdaHandler } from '../../lambda';
import { CapacityModel, type Figures } from '../model';
import { runPipeline, type PipelineContext, type StageSpec } from '../pipeline';
import { quietHandlers } from '../quiet';

/** How the sweep is wired: today, one serial sweep; round 2, the coordinator and its queues. */
export interface SweepWiring {
  /** The sweep queue → sweep-worker and start queue → start-journey stages (none today). */
  stages: (scale: Scale) => StageSpec[];
  /** The scheduled function (today's sweep; round 2's coordinator), built from the pipeline's context. */
  coordinator: (ctx: PipelineContext) => LambdaHandler<unknown, unknown>;
}

export interface SpringFestivalOptions {
  workflowsDir: string;
  customers: number;
  scale?: Partial<Scale>;
  wiring?: SweepWiring;
  /** How often the schedule invokes the coordinator (s): hourly, as today. */
  everySeconds?: number;
}

export interface SpringFestivalResult {
  figures: Figures;
  /** Customers SES accepted the greeting for, and the virtual seconds from 00:00 UTC until the last. */
  greeted: number;
  lastGreetingAfterSeconds: number;
  /** Coordinator runs, and the longest one (virtual s). */
  sweeps: number;
  longestSweepSeconds: number;
  cpuSeconds: number;
}

/** The day before the festival (2027-02-06), when the customers are made; the day itself, 00:00 UTC. */
const SEEDED = '2027-02-05T02:00:00.000Z';
const DAY_START = '2027-02-06T00:00:00.000Z';

/** Today's wiring: the serial sweep visits every due customer and starts their journeys itself. */
export const TODAYS_SWEEP: SweepWiring = {
  stages: () => [],
  coordinator: (ctx) => createSweepHandler({ ...createObservability(), ...ctx.lifecycle }),
};

/**
 * Scenario 1 of #12: every customer due for the Spring Festival greeting on one day. The customers are
 * made the day before through the real ingest (outside the model's quotas: setting up, not measured),
 * then the model runs the festival day: the schedule invokes the coordinator, the journeys start and send.
 */
export async function springFestival(options: SpringFestivalOptions): Promise<SpringFestivalResult> {
  quietHandlers();
  const cpu0 = process.cpuUsage();
  const scale: Scale = { ...DEFAULT_SCALE, ...options.scale };
  const workflows = loadWorkflows(options.workflowsDir);
  const wiring = options.wiring ?? TODAYS_SWEEP;
  const model = new CapacityModel({
    start: SEEDED,
    scale,
    reserved: { 'send-message': sendConcurrency(scale) },
  });
  const dayStart = Date.parse(DAY_START);
  const sweeps: number[] = [];
  try {
    await runPipeline(model, {
      workflows,
      journeys: workflows.journeys.filter((j) => j.journey.id === 'spring-festival-greeting'),
      stages: wiring.stages(scale),
      drive: async (ctx) => {
        await seed(ctx, options.customers);
        const sweep = wiring.coordinator(ctx);
        const every = (options.everySeconds ?? 3_600) * 1000;
        for (let t = dayStart; t < dayStart + 86_400_000; t += every)
          model.clock.at(t, () => void scheduled(model, sweep, sweeps));
      },
      done: () => model.emailsAccepted.size >= options.customers,
      until: dayStart + 2 * 86_400_000,
    });
    const sent = [...model.emailsAccepted.values()];
    return {
      figures: model.figures(),
      greeted: model.emailsAccepted.size,
      lastGreetingAfterSeconds: (sent.reduce((a, b) => Math.max(a, b), dayStart) - dayStart) / 1000,
      sweeps: sweeps.length,
      longestSweepSeconds: sweeps.reduce((a, b) => Math.max(a, b), 0) / 1000,
      cpuSeconds: cpuSince(cpu0),
    };
  } finally {
    await model.close();
  }
}

/** One scheduled invocation (EventBridge Scheduler: asynchronous; a throttled one is simply late). */
async function scheduled(model: CapacityModel, sweep: LambdaHandler<unknown, unknown>, took: number[]) {
  if (!model.lambda.tryAcquire('sweep')) return;
  const t0 = model.clock.now();
  await model.lambda.run('sweep', sweep, {}).catch(() => undefined);
  took.push(model.clock.now() - t0);
}

/** The customers, each from a first purchase through the real ingest, on the raw store: not measured. */
async function seed(ctx: PipelineContext, customers: number): Promise<void> {
  const raw: LifecycleDeps = {
    ...ctx.lifecycle,
    store: ctx.model.memory,
    starter: {
      start: async ({ executionName }) => ({ executionArn: executionName, alreadyStarted: false }),
      resume: async () => 'gone',
      stop: async () => undefined,
    },
  };
  const ingest = createIngestEventHandler({
    ...createObservability(),
    ...raw,
    sentiment: createLexiconClassifier(),
    eventTimes: ctx.workflows.settings.events,
  });
  // Two purchases: the greeting goes to customers with a living relationship (stage active or better).
  for (let i = 0; i < customers; i++)
    for (const n of [1, 2]) await invokeLambda('ingest-event', ingest, purchaseEvent(i, n) as never);
}

function purchaseEvent(i: number, n: number) {
  const at = new Date(Date.parse(SEEDED) - (2 - n) * 3_600_000).toISOString();
  return {
    version: '0',
    id: `seed-${i}-${n}`,
    'detail-type': 'Customer Event',
    source: 'rapport.capacity',
    account: '000000000000',
    time: at,
    region: 'model',
    resources: [],
    detail: {
      eventId: `seed-${i}-${n}`,
      type: 'purchase',
      customerId: `s${i}`,
      at,
      amount: 199,
      currency: 'CNY',
      customer: { email: `s${i}@example.com`, locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
    },
  };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
