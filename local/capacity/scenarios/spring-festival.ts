import { createLexiconClassifier } from '../../../adapters/sentiment/lexicon';
import { loadWorkflows } from '../../../domain/config/load';
import { DEFAULT_SCALE, sendConcurrency, type Scale } from '../../../domain/config/scale';
import type { LifecycleDeps } from '../../../domain/ports';
import { createIngestEventHandler } from '../../../functions/ingest-event/handler';
import { createObservability } from '../../../functions/shared/observability';
import { DEFAULT_SWEEP_EVERY_MINUTES } from '../../../infra/names';
import { invokeLambda } from '../../lambda';
import { CapacityModel, type Figures, type Quotas } from '../model';
import { runPipeline, type PipelineContext } from '../pipeline';
import { quietHandlers } from '../quiet';

export interface SpringFestivalOptions {
  workflowsDir: string;
  customers: number;
  scale?: Partial<Scale>;
  quotas?: Partial<Quotas>;
  /** The window peak rates are averaged over (ms): longer in a model scaled down. */
  rateWindowMs?: number;
  /** How often the schedule invokes the coordinator (min): the stack's default (hourly) unless given. */
  sweepEveryMinutes?: number;
}

/** One coordinator run: when it started and ended (virtual ms), and whether it held the lease. */
export interface SweepRun {
  startedAt: number;
  endedAt: number;
  ran: boolean;
  queued: number;
  shardsLeft: number;
}

export interface SpringFestivalResult {
  figures: Figures;
  /** Customers SES accepted the greeting for (each once: duplicates are in figures.ses). */
  greeted: number;
  /** When each customer was greeted (virtual ms), by customer id. */
  greetedAt: ReadonlyMap<string, number>;
  /** The festival's 00:00 UTC (virtual ms). */
  dayStart: number;
  runs: SweepRun[];
  /** Two runs that held the lease at the same time: must stay 0. */
  overlaps: number;
  cpuSeconds: number;
}

/** The day before the festival (2027-02-06), when the customers are made; the day itself, 00:00 UTC. */
const SEEDED = '2027-02-05T02:00:00.000Z';
const DAY_START = '2027-02-06T00:00:00.000Z';
/** The greeting's journey and where its customers live (09:00 in Shanghai is 01:00 UTC). */
export const FESTIVAL = {
  journeyId: 'spring-festival-greeting',
  timeOfDay: '09:00',
  timeZone: 'Asia/Shanghai',
  utcOffsetHours: 8,
} as const;

/**
 * Scenario 1 of #12: every customer due for the Spring Festival greeting on one day. The customers are
 * made the day before through the real ingest (outside the model's quotas: setting up, not measured);
 * then the festival day runs: EventBridge Scheduler invokes the real sweep coordinator (its Lambda
 * timeout counting down in virtual time), which fills the sweep queue; sweep-workers take the customers'
 * turns and queue their starts; start-journey starts them under its pacing and StartExecution's bucket;
 * the executions (the real compiled ASL) call send-message, reserved at sendConcurrency, under SES's rate.
 */
export async function springFestival(options: SpringFestivalOptions): Promise<SpringFestivalResult> {
  quietHandlers();
  const cpu0 = process.cpuUsage();
  const scale: Scale = { ...DEFAULT_SCALE, ...options.scale };
  const workflows = loadWorkflows(options.workflowsDir);
  const model = new CapacityModel({
    start: SEEDED,
    scale,
    ...(options.quotas ? { quotas: options.quotas } : {}),
    ...(options.rateWindowMs ? { rateWindowMs: options.rateWindowMs } : {}),
    reserved: { 'send-message': sendConcurrency(scale) },
  });
  const dayStart = Date.parse(DAY_START);
  const runs: SweepRun[] = [];
  const every = (options.sweepEveryMinutes ?? DEFAULT_SWEEP_EVERY_MINUTES) * 60_000;
  try {
    await runPipeline(model, {
      workflows,
      journeys: workflows.journeys.filter((j) => j.journey.id === FESTIVAL.journeyId),
      sweepEveryMinutes: every / 60_000,
      drive: async (ctx) => {
        await seed(ctx, options.customers);
        for (let t = dayStart; t < dayStart + 86_400_000; t += every)
          model.clock.at(t, () => void scheduled(ctx, runs));
      },
      done: () => model.emailsAccepted.size >= options.customers,
      until: dayStart + 2 * 86_400_000,
    });
    return {
      figures: model.figures(),
      greeted: model.emailsAccepted.size,
      greetedAt: greetedAt(model.emailsAccepted),
      dayStart,
      runs,
      overlaps: overlaps(runs),
      cpuSeconds: cpuSince(cpu0),
    };
  } finally {
    await model.close();
  }
}

/**
 * One scheduled invocation: EventBridge Scheduler invokes asynchronously, so a run finding no free
 * Lambda slot is retried by Lambda's async queue; the model retries it a second later.
 */
async function scheduled(ctx: PipelineContext, runs: SweepRun[]): Promise<void> {
  const { model } = ctx;
  if (!model.lambda.tryAcquire('sweep')) {
    model.clock.at(model.clock.now() + 1_000, () => void scheduled(ctx, runs));
    return;
  }
  const startedAt = model.clock.now();
  const result = await model.lambda.run('sweep', ctx.sweep, {});
  runs.push({
    startedAt,
    endedAt: model.clock.now(),
    ran: result.ran,
    queued: result.queued,
    shardsLeft: result.shardsLeft,
  });
}

function overlaps(runs: readonly SweepRun[]): number {
  const held = runs.filter((r) => r.ran).sort((a, b) => a.startedAt - b.startedAt);
  return held.filter((r, i) => i > 0 && r.startedAt < held[i - 1]!.endedAt).length;
}

/** The greetings by customer: SES's tags are `customer/step`. */
function greetedAt(accepted: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...accepted].map(([key, at]) => [key.split('/')[0]!, at]));
}

/** The customers, each from two purchases through the real ingest, on the raw store: not measured. */
async function seed(ctx: PipelineContext, customers: number): Promise<void> {
  const raw: LifecycleDeps = {
    ...ctx.lifecycle,
    store: ctx.model.memory,
    starter: {
      executionArn: ({ executionName }) => executionName,
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
    for (const n of [1, 2]) {
      const event = { Records: [{ messageId: `seed-${i}-${n}`, body: JSON.stringify(purchase(i, n)) }] };
      const response = await invokeLambda('ingest-event', ingest, event as never);
      if (response && 'batchItemFailures' in response && response.batchItemFailures.length)
        throw new Error(`seeding customer s${i} failed`);
    }
}

function purchase(i: number, n: number) {
  const at = new Date(Date.parse(SEEDED) - (2 - n) * 3_600_000).toISOString();
  return {
    eventId: `seed-${i}-${n}`,
    type: 'purchase',
    customerId: `s${i}`,
    at,
    amount: 199,
    currency: 'CNY',
    customer: { email: `s${i}@example.com`, locale: 'zh-CN', timeZone: FESTIVAL.timeZone },
  };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
