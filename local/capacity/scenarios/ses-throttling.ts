import { performance } from 'node:perf_hooks';
import { loadWorkflows, type LoadedJourney } from '../../../domain/config/load';
import type { Lifecycle } from '../../../domain/lifecycle/schema';
import { DEFAULT_SCALE, sendConcurrency, type Scale } from '../../../domain/config/scale';
import { compileJourneyToString } from '../../../domain/journey/compile';
import { Journey } from '../../../domain/journey/schema';
import { newProfile } from '../../../domain/lifecycle/apply';
import { messageKey } from '../../../domain/messages/send';
import { CapacityModel, type Figures } from '../model';
import { runPipeline, type PipelineContext } from '../pipeline';
import type { StartRequest } from '../../../domain/ports';
import { quietHandlers } from '../quiet';

export interface SesThrottlingOptions {
  workflowsDir: string;
  customers: number;
  scale?: Partial<Scale>;
  /** How long SES sends at half its rate, from the start (s): an hour by default. */
  throttledSeconds?: number;
}

export interface SesThrottlingResult {
  figures: Figures;
  /** Customers whose email SES accepted (once each: duplicates are counted in figures.ses). */
  greeted: number;
  /** Virtual seconds from the start until the last email was accepted. */
  lastSentAfterSeconds: number;
  /** Messages recorded failed (must be 0) and still deferred at the end (must be 0). */
  failedMessages: number;
  deferredMessages: number;
  /** This process's CPU time for the run (user and system), and the real time it took. */
  cpuSeconds: number;
  wallSeconds: number;
}

async function seedCustomers(model: CapacityModel, lifecycle: Lifecycle, customers: number): Promise<void> {
  const at = new Date(START);
  for (let i = 0; i < customers; i++)
    await model.memory.putProfile({
      ...newProfile(`c${i}`, lifecycle, at),
      email: `c${i}@example.com`,
      version: 1,
    });
}

/**
 * Every customer's start on the start queue, as enterJourneys leaves it (the journey entry written first,
 * then the start queued): start-journey starts them at startsPerSecond.
 */
async function queueStarts(ctx: PipelineContext, customers: number): Promise<void> {
  const starts: StartRequest[] = [];
  for (let i = 0; i < customers; i++) {
    const request: StartRequest = {
      journeyId: journey.id,
      executionName: `greet-c${i}`,
      input: {
        customerId: `c${i}`,
        journeyId: journey.id,
        journeyVersion: journey.version,
        trigger: { eventId: `e${i}`, eventType: 'purchase', at: START },
      },
    };
    await ctx.model.memory.putJourneyEntries([
      {
        customerId: `c${i}`,
        journeyId: journey.id,
        journeyVersion: journey.version,
        executionName: request.executionName,
        executionArn: ctx.direct.executionArn(request),
        enteredAt: START,
        trigger: request.input.trigger,
      },
    ]);
    starts.push(request);
  }
  // Sent once the model runs: the send takes SQS's time, which passes only then.
  ctx.model.clock.at(ctx.model.clock.now(), () => void ctx.queues.starts.send(starts));
}

/** The message records at the end: none may be failed, none left deferred. */
async function messageOutcomes(model: CapacityModel, loaded: LoadedJourney, customers: number) {
  let failedMessages = 0;
  let deferredMessages = 0;
  const executions = model.stateMachineArns([loaded])[journey.id]!.replace(':stateMachine:', ':execution:');
  for (let i = 0; i < customers; i++) {
    const m = await model.memory.getMessage(`c${i}`, messageKey(`${executions}:greet-c${i}`, 'greet'));
    if (m?.status === 'failed') failedMessages++;
    if (m?.status === 'deferred') deferredMessages++;
  }
  return { failedMessages, deferredMessages };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** 10:00 in Shanghai (the default time zone): outside quiet hours for the whole run. */
const START = '2026-11-23T02:00:00.000Z';

/** One send, due for every customer at once: a greeting on the day. */
const journey = Journey.parse({
  id: 'capacity-greeting',
  version: 1,
  description: 'One email to every customer, as a greeting on the day',
  entry: { event: 'purchase' },
  steps: [
    {
      id: 'greet',
      type: 'send',
      channel: 'email',
      template: 'first-purchase-thanks',
      category: 'transactional',
    },
  ],
});

/**
 * Scenario 3 of #12: SES sends at half its configured rate for an hour while a crowd of executions
 * sends. Their starts go through the start queue and start-journey (paced at startsPerSecond); the real compiled ASL (with its throttling Retry and deferral loop), the real send-message and
 * journey-step handlers; send-message's reserved concurrency from sendConcurrency(scale).
 */
export async function sesThrottling(options: SesThrottlingOptions): Promise<SesThrottlingResult> {
  quietHandlers();
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const scale: Scale = { ...DEFAULT_SCALE, ...options.scale };
  const workflows = loadWorkflows(options.workflowsDir);
  const loaded: LoadedJourney = { journey, file: 'capacity', asl: compileJourneyToString(journey) };
  const start = Date.parse(START);
  const halfUntil = start + (options.throttledSeconds ?? 3_600) * 1000;
  const model = new CapacityModel({
    start: START,
    scale,
    reserved: { 'send-message': sendConcurrency(scale) },
    sesRateAt: (t) => (t < halfUntil ? 0.5 : 1),
  });
  try {
    const ended = () => model.executions.succeeded + model.executions.failed;
    await runPipeline(model, {
      workflows,
      journeys: [loaded],
      drive: async (ctx) => {
        await seedCustomers(model, workflows.lifecycle, options.customers);
        await queueStarts(ctx, options.customers);
      },
      done: () => ended() >= options.customers,
      // Not a bound the scenario should reach: a run that does has lost an execution, and fails its checks.
      until: halfUntil + 86_400_000,
    });
    const { failedMessages, deferredMessages } = await messageOutcomes(model, loaded, options.customers);
    const sentAt = [...model.emailsAccepted.values()];
    return {
      figures: model.figures(),
      greeted: model.emailsAccepted.size,
      lastSentAfterSeconds: (sentAt.reduce((a, b) => Math.max(a, b), start) - start) / 1000,
      failedMessages,
      deferredMessages,
      cpuSeconds: cpuSince(cpu0),
      wallSeconds: (performance.now() - wall0) / 1000,
    };
  } finally {
    await model.close();
  }
}
