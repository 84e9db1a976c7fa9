import type { SQSBatchResponse } from 'aws-lambda';
import { memoryStore } from '../../adapters/memory/stores';
import { loadWorkflows, type Workflows } from '../../domain/config/load';
import { countsOf } from '../../domain/lifecycle/counts';
import type { CustomerStore } from '../../domain/ports';
import type { CustomerEvent } from '../../domain/events/schema';
import type { CostForecast, SimulationResult, Usage, WeekSummary } from '../../domain/simulate/result';
import type { FunctionName } from '../../functions/routes';
import { Activity } from '../activity';
import { Closers } from '../closers';
import { LocalDeployment } from '../deployment';
import type { HandlerWiring } from '../handlers';
import { EVENT_BUS, LocalEventBus } from '../eventbridge';
import { NamesOnlyJournal } from '../execution-journal';
import { inlineQueue } from '../inline-queue';
import { installLongTimers } from '../long-timers';
import { LocalStepFunctions } from '../stepfunctions';
import { startSweeper } from '../sweeper';
import { installVirtualTime, type VirtualTime } from '../virtual-time';
import { summarise } from './aggregate';
import { countingProviders, inProcessStarter } from './in-process';
import { observedStore, type Observations } from './observe';
import { Tally } from './tally';
import { inShard, type Shard } from '../../domain/simulate/shard';

export interface SimulateOptions {
  workflowsDir: string;
  /** The population's events, in time order (a history, or a generated population). */
  events: AsyncIterable<CustomerEvent> | Iterable<CustomerEvent>;
  from: string;
  to: string;
  /** How often the sweep runs: hourly by default, as EventBridge Scheduler does on AWS. */
  sweepEveryMs?: number;
  label?: string;
  /** The bill for what the simulated program used (domain/simulate/cost.ts). */
  forecast: (usage: Usage) => CostForecast;
  /** Called after every event with how far the simulation has got. */
  onProgress?: (done: { events: number; at: string }) => void;
  /** Only this part of the population (domain/simulate/shard.ts); its result is merged with the others'. */
  shard?: Shard;
  /** Called at the end, before the run is torn down: per-customer outcomes (the fidelity test). */
  inspect?: (view: { store: CustomerStore; seen: Observations }) => Promise<void>;
}

const WEEK = 7 * 86_400_000;

/**
 * Runs a population through the lifecycle and every journey, in this process and in memory, on virtual
 * time: the same handler modules as on Lambda, called as Step Functions and EventBridge call them; the
 * same compiled ASL, run by the same interpreter as `npm start`; the in-memory store in place of
 * DynamoDB; providers that deliver nothing and count. No server, no HTTP.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  quietHandlers();
  const workflows = loadWorkflows(options.workflowsDir);
  const time = installVirtualTime(options.from, { date: 'now-only' });
  const closers = new Closers();
  closers.add(installLongTimers());
  try {
    const sweepEveryMs = options.sweepEveryMs ?? 3_600_000;
    const run = wire(workflows, time, {
      from: Date.parse(options.from),
      sweepEveryMs,
      keepMessages: options.inspect !== undefined,
      // Every part sweeps at the same moments, as one sweep does on AWS: its requests are counted once.
      countsSweep: (options.shard?.index ?? 0) === 0,
    });
    startSweeper(sweepEveryMs, () => run.invoke('sweep', {}), run.activity, closers);
    const weeks: WeekSummary[] = [];
    const from = Date.parse(options.from);
    const to = Date.parse(options.to);
    let weekEnd = from + WEEK;
    let events = 0;
    let rejected = 0;
    /** Runs time up to `t`, closing every week that ends on the way. */
    const runUntil = async (t: number) => {
      for (; weekEnd <= t && weekEnd <= to; weekEnd += WEEK) {
        await time.run(run.activity, { until: new Date(weekEnd).toISOString() });
        weeks.push(run.week(weekEnd - WEEK));
      }
      await time.run(run.activity, { until: new Date(Math.min(t, to)).toISOString() });
    };
    for await (const event of options.events) {
      const at = Date.parse(event.at);
      if (at < from) continue;
      if (at > to) break;
      if (options.shard && !inShard(event.customerId, options.shard)) continue;
      await runUntil(at);
      if (!(await run.ingest(event))) rejected++;
      events++;
      options.onProgress?.({ events, at: event.at });
    }
    await runUntil(to);
    if (weekEnd - WEEK < to) weeks.push(run.week(weekEnd - WEEK));
    await options.inspect?.(run.view);
    return summarise({ ...run.snapshot(), workflows, weeks, events, rejected, options });
  } finally {
    await closers.closeAll();
    time.uninstall();
  }
}

/** The program's pieces, wired in process, and what the summary reads from them. */
function wire(
  workflows: Workflows,
  time: VirtualTime,
  options: { from: number; keepMessages: boolean; countsSweep: boolean; sweepEveryMs: number },
) {
  const now = () => time.clock.now();
  const activity = new Activity();
  const tally = new Tally(
    options.from,
    workflows.journeys.map((j) => j.journey),
  );
  const { store, seen } = observedStore((meter) => memoryStore({ meter }), tally, options);
  const providers = countingProviders();
  const stepFunctions = new LocalStepFunctions(activity, new NamesOnlyJournal(), now, {
    onEnded: (e) => tally.execution(e),
    forget: true,
  });
  const bus = new LocalEventBus(EVENT_BUS, now, activity);
  const { lambda, queued, invoked } = usageCounter(options.countsSweep);
  const deployment = new LocalDeployment(
    workflows,
    simulationDeps({
      store,
      providers,
      stepFunctions,
      clock: time.clock,
      sweepEveryMs: options.sweepEveryMs,
    }),
    stepFunctions,
    bus,
    invoked,
  );
  const invoke = (fn: FunctionName, event: unknown) => deployment.invoke(fn, event);
  return {
    activity,
    invoke,
    /** One event, as an EventBridge rule delivers it to the ingest queue; false when ingest refused it. */
    ingest: ingestion(activity, invoke, now),
    week: (start: number) => weekOf(start, store.profiles.values()),
    view: { store, seen },
    /** What the run counted; executions still running at the end are counted as running. */
    snapshot: () => {
      for (const e of stepFunctions.listExecutions(undefined, 'RUNNING')) tally.execution(e);
      return snapshotOf();
    },
  };
  function snapshotOf() {
    return {
      profiles: store.profiles,
      seen,
      tally,
      lambda,
      sqsRequests: queued.sqsRequests,
      counts: providers.counts,
      busEvents: bus.events.length,
    };
  }
}

// As on AWS: the EventBridge rule puts each event on the ingest queue, which ingest-event consumes.
function ingestion(
  activity: Activity,
  invoke: (fn: FunctionName, event: unknown) => Promise<unknown>,
  now: () => Date,
): (event: CustomerEvent) => Promise<boolean> {
  const ingestQueue = inlineQueue<ReturnType<typeof eventBridgeEvent>>(
    'rapport-ingest',
    async (batch) => (await invoke('ingest-event', batch)) as SQSBatchResponse,
  );
  return (event) =>
    activity.track(async () => {
      try {
        await ingestQueue.send([eventBridgeEvent(event, now())]);
        return true;
      } catch {
        return false;
      }
    });
}

/** Lambda's requests and time per function, and the SQS requests of the batches the queues delivered. */
function usageCounter(countsSweep: boolean) {
  const lambda: Usage['lambda'] = {};
  const queued = { sqsRequests: 0 };
  const invoked = (fn: FunctionName, ms: number, event: unknown) => {
    const usage = (lambda[fn] ??= { requests: 0, durationMs: 0 });
    if (fn !== 'sweep' || countsSweep) usage.requests++;
    usage.durationMs += ms;
    queued.sqsRequests += sqsRequestsOf(event);
  };
  return { lambda, queued, invoked };
}

/** The handlers' dependencies in a simulation: counting providers, journeys started in process. */
function simulationDeps(parts: {
  store: CustomerStore;
  providers: ReturnType<typeof countingProviders>;
  stepFunctions: LocalStepFunctions;
  clock: VirtualTime['clock'];
  sweepEveryMs: number;
}): HandlerWiring {
  const { store, providers, stepFunctions, clock, sweepEveryMs } = parts;
  return {
    store,
    publisher: providers.publisher,
    starter: (arns) => inProcessStarter(stepFunctions, arns),
    mailer: providers.mailer,
    sms: providers.sms,
    clock,
    sender: undefined,
    publicBaseUrl: 'https://rapport.example',
    linkSecret: 'simulation',
    sweepEveryMs,
  };
}

/**
 * The SQS requests behind one batch an inline queue delivered: its messages' sends (ten to a
 * SendMessageBatch), the receive that fetched them and the delete that removed them. 0 for any other event.
 */
function sqsRequestsOf(event: unknown): number {
  const records = (event as { Records?: { eventSource?: string }[] } | undefined)?.Records;
  if (!Array.isArray(records) || records[0]?.eventSource !== 'aws:sqs') return 0;
  return Math.ceil(records.length / 10) + 2;
}

function weekOf(start: number, profiles: Iterable<{ stage: string; tier: string }>): WeekSummary {
  const { stageCounts: stages, tierCounts: tiers } = countsOf(profiles);
  return { weekStart: new Date(start).toISOString(), stages, tiers, messages: {} };
}

function eventBridgeEvent(detail: CustomerEvent, now: Date) {
  return {
    version: '0',
    id: `simulated-${detail.customerId}-${detail.eventId}`,
    'detail-type': 'Customer Event',
    source: 'rapport.simulation',
    account: '000000000000',
    time: now.toISOString(),
    region: 'local',
    resources: [],
    detail,
  };
}

/** Handlers log and emit metrics per invocation; a simulation of millions of events must not print them. */
function quietHandlers(): void {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // Powertools reads its settings from process.env on every log call, metric and context access: millions
  // of reads in a simulation, each a call into the runtime's environment. A plain copy holds the same
  // values and reads as an object does; child processes are given it as their environment all the same.
  process.env = { ...process.env };
}
