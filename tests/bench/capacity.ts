/**
 * `npm run bench:capacity`: the capacity model's scenarios (local/capacity) with the real handlers,
 * printed as figures. Scenarios 1 and 2 run similarity-scaled: the population ÷ k with every rate, quota
 * and concurrency ÷ k (local/capacity/similarity.ts), so the timeline is the full population's; counts
 * and depths are projected × k. Environment: CAPACITY_UNSCALED=1 runs them at full size (an hour of CPU
 * for scenario 1); CAPACITY_FESTIVAL_CUSTOMERS (1,000,000) and CAPACITY_FESTIVAL_K (100); scenario 2's
 * CAPACITY_EVENTS_PER_SECOND (10,000), CAPACITY_SECONDS (60) and CAPACITY_BURST_K (25); scenario 3's
 * CAPACITY_CUSTOMERS (10,000, unscaled, the default scale).
 */
import { AWS_QUOTAS, DEFAULT_SCALE, sendConcurrency, type Scale } from '../../domain/config/scale';
import { eventBurst } from '../../local/capacity/scenarios/event-burst';
import { sesThrottling } from '../../local/capacity/scenarios/ses-throttling';
import { FESTIVAL, springFestival } from '../../local/capacity/scenarios/spring-festival';
import { DEFAULT_QUOTAS, type Figures } from '../../local/capacity/model';
import { similar, type Similar } from '../../local/capacity/similarity';
import { FUNCTION_TIMEOUT_SECONDS } from '../../infra/work-settings';
import { loadWorkflows } from '../../domain/config/load';
import { WORKFLOWS_DIR } from '../support/paths';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const unscaled = process.env.CAPACITY_UNSCALED === '1';
const festivalCustomers = env('CAPACITY_FESTIVAL_CUSTOMERS', 1_000_000);
const festivalK = unscaled ? 1 : env('CAPACITY_FESTIVAL_K', 100);
const eventsPerSecond = env('CAPACITY_EVENTS_PER_SECOND', 10_000);
const seconds = env('CAPACITY_SECONDS', 60);
const burstK = unscaled ? 1 : env('CAPACITY_BURST_K', 25);
const customers = env('CAPACITY_CUSTOMERS', 10_000);

/**
 * What a bank greeting a million customers on the day would deploy (cdk.json context `scale`, and
 * `sweepEvery` 15): starts at 250/s under StartExecution's 300/s refill; SES raised to 300/s so that
 * sending is never the bottleneck behind the starts; the default concurrencies; a sweep every 15 minutes,
 * so that each sweep's share of the 2-hour spread (an eighth) is started before the next sweep.
 */
const BANK: Scale = { ...DEFAULT_SCALE, startsPerSecond: 250, emailsPerSecond: 300 };
const BANK_SWEEP_EVERY_MINUTES = 15;

const n = (x: number) => Math.round(x).toLocaleString('en-US');

function describeScale(label: string, total: number, s: Similar): string {
  return s.k === 1
    ? `${n(total)} ${label} modelled at full scale (unscaled)`
    : `${n(total)} ${label} modelled at 1/${s.k} scale (${n(total / s.k)} ${label}; every rate, quota and concurrency ÷ ${s.k}; ` +
        `counts, depths and rates below projected × ${s.k}; peak rates averaged over ${Math.min(s.k, 10)} s)` +
        (s.clamped.length
          ? `\n  not divisible (kept at SQS's minimum of 2, so faster than similar, none the bottleneck): ${s.clamped.join('; ')}`
          : '');
}

/**
 * The due shards' busiest second. Projected × k where their load is spread as at full scale (events of
 * many customers); scenario 1's comes from sweep-workers, each taking one message's customers (mostly of
 * one shard) in turn, so at full scale a shard takes at most sweepConcurrency workers' turns a second.
 */
function dueShard(f: Figures, k: number): string {
  const { key, units } = f.dynamo.hottestDue;
  return `hottest due shard ${key || '-'} ${n(units * k)}/s`;
}

function common(f: Figures, k: number, due = dueShard(f, k)): string {
  const lambda = Object.entries(f.lambda)
    // The coordinator runs on its schedule whatever the population: its runs are not projected.
    .map(
      ([fn, s]) =>
        `${fn} ${n(s.invocations * (fn === 'sweep' ? 1 : k))} invocations, ${n(s.throttles * k)} throttled, ${s.timedOut} past their timeout`,
    )
    .join('; ');
  const queues = Object.entries(f.queues)
    .map(
      ([q, s]) =>
        `${q}: deepest ${n(s.deepest * k)}, ${n(s.failedDeliveries * k)} redelivered, ${s.deadLetters} dead letters`,
    )
    .join('; ');
  return [
    `  StartExecution: ${n(f.startExecution.started * k)} started, peak ${n(f.startExecution.peakPerSecond * k)}/s, ${n(f.startExecution.throttled * k)} throttled`,
    `  executions ended: ${n(f.executions.succeeded * k)} succeeded, ${n(f.executions.failed * k)} failed; ${n(f.executions.deferralRounds * k)} deferral rounds`,
    `  SES: ${n(f.ses.accepted * k)} accepted, peak ${n(f.ses.peakPerSecond * k)}/s, ${n(f.ses.throttled * k)} throttled, ${f.ses.duplicates} twice`,
    `  Lambda: ${lambda}`,
    `  DynamoDB: ${n(f.dynamo.reads * k)} reads, ${n(f.dynamo.writes * k)} writes, ${n(f.dynamo.throttles * k)} throttled, hottest customer partition ${f.dynamo.hottest.key} ${n(f.dynamo.hottest.units)}/s, ${due} (limits ${n(AWS_QUOTAS.dynamoPartition.readUnits)} read, ${n(AWS_QUOTAS.dynamoPartition.writeUnits)} write)`,
    `  queues: ${queues}`,
    `  model: ${n(f.instants)} instants over ${n(f.virtualSeconds)} virtual s`,
  ].join('\n');
}

/** Scenario 1's due shards: the workers' turns, bounded at full scale by sweepConcurrency of them. */
function sweptShard(f: Figures, k: number, customers: number): string {
  const worker = f.lambda['sweep-worker'];
  const msPerTurn = worker ? worker.busyMs / (customers / k) : 0;
  const bound = msPerTurn ? (BANK.sweepConcurrency * 1000) / msPerTurn : 0;
  return (
    `due shards written by the workers' turns (${msPerTurn.toFixed(0)} ms a turn): at full scale at most ` +
    `${BANK.sweepConcurrency} workers × ${n(1000 / (msPerTurn || 1))}/s = ${n(bound)} writes/s on one shard`
  );
}

/** Shanghai's wall clock (the festival's customers live there). */
function local(t: number): string {
  return new Date(t + FESTIVAL.utcOffsetHours * 3_600_000).toISOString().slice(11, 19);
}

async function scenario1(): Promise<void> {
  const s = similar(BANK, DEFAULT_QUOTAS, festivalK);
  const r = await springFestival({
    workflowsDir: WORKFLOWS_DIR,
    customers: Math.round(festivalCustomers / s.k),
    scale: s.scale,
    quotas: s.quotas,
    rateWindowMs: 1_000 * Math.min(s.k, 10),
    sweepEveryMinutes: BANK_SWEEP_EVERY_MINUTES,
  });
  const k = s.k;
  const f = r.figures;
  const spreadMs = loadWorkflows(WORKFLOWS_DIR).calendar.occasionSpreadMs ?? 0;
  const [h, m] = FESTIVAL.timeOfDay.split(':').map(Number) as [number, number];
  const opens = r.dayStart + ((h - FESTIVAL.utcOffsetHours) * 60 + m) * 60_000;
  const closes = opens + spreadMs + BANK_SWEEP_EVERY_MINUTES * 60_000;
  const times = [...r.greetedAt.values()];
  const first = Math.min(...times);
  const last = Math.max(...times);
  const held = r.runs.filter((x) => x.ran && x.queued > 0);
  const longest = Math.max(0, ...r.runs.map((x) => x.endedAt - x.startedAt)) / 1000;
  const queues = Object.values(f.queues);
  console.log(
    `capacity, scenario 1 (Spring Festival greeting, all due on ${new Date(r.dayStart).toISOString().slice(0, 10)}): ` +
      `${describeScale('customers', festivalCustomers, s)}\n` +
      `  settings (full scale): startsPerSecond ${BANK.startsPerSecond}, startConcurrency ${BANK.startConcurrency}, sweepConcurrency ${BANK.sweepConcurrency}, ` +
      `emailsPerSecond ${BANK.emailsPerSecond} (send-message reserved ${sendConcurrency(BANK)}), dueShards ${BANK.dueShards}, sweep every ${BANK_SWEEP_EVERY_MINUTES} min, occasions spread ${spreadMs / 3_600_000} h\n` +
      `  greeted: ${n(r.greeted * k)} of ${n(festivalCustomers)}, none twice (${f.ses.duplicates}); first ${local(first)}, last ${local(last)} local ` +
      `(window ${local(opens)}–${local(opens + spreadMs)} + one sweep interval of lag allowed = ${local(closes)}; ${times.filter((t) => t < opens || t > closes).length} outside)\n` +
      `  sweep: ${r.runs.length} coordinator runs, ${held.length} handed customers out (${held.map((x) => `${local(x.startedAt)} ${n(x.queued * k)}`).join(', ')}); ` +
      `the longest ${longest.toFixed(1)} s (timeout ${FUNCTION_TIMEOUT_SECONDS.sweep} s); ${r.overlaps} overlapping; ` +
      `from ${local(opens)} until the last execution started ${((f.startExecution.lastAt - opens) / 60_000).toFixed(1)} min (${local(f.startExecution.lastAt)})\n` +
      `  deepest queue: ${Object.entries(f.queues)
        .map(([q, x]) => `${q} ${n(x.deepest * k)}`)
        .join(', ')} messages; dead letters ${queues.reduce((a, x) => a + x.deadLetters, 0)}\n` +
      `${common(f, k, sweptShard(f, k, festivalCustomers))}\n` +
      `  quotas needed for a million (us-east-1 defaults in brackets): StartExecution refill ≥ ${BANK.startsPerSecond}/s (300/s, burst 1,300: no raise; ` +
      `regions with 150/s: raise, or startsPerSecond ≤ 125 and the greeting ends later); SES maximum send rate ${BANK.emailsPerSecond}/s and a 24-hour quota ≥ 1,000,000 (14/s and 50,000 after leaving the sandbox: request both); ` +
      `Lambda concurrency ≥ ${sendConcurrency(BANK) + BANK.sweepConcurrency + BANK.startConcurrency + BANK.ingestConcurrency + 1} + the API's and journey-step's (1,000: no raise); ` +
      `open Standard executions ≤ the greeting's backlog (1,000,000: the greetings end once sent); DynamoDB on demand, its partitions above\n` +
      `  ${r.cpuSeconds.toFixed(1)} s CPU: ${n(festivalCustomers / s.k / r.cpuSeconds)} modelled customers per CPU second`,
  );
}

function emptied(f: Figures, queue: string, start: number): string {
  const at = f.queues[queue]?.emptiedAt ?? 0;
  return at ? ((at - start) / 1000).toFixed(0) : '-';
}

async function scenario2(): Promise<void> {
  const total = eventsPerSecond * seconds;
  const s = similar(BANK, DEFAULT_QUOTAS, burstK);
  const r = await eventBurst({
    workflowsDir: WORKFLOWS_DIR,
    eventsPerSecond: eventsPerSecond / s.k,
    seconds,
    scale: s.scale,
    quotas: s.quotas,
    rateWindowMs: 1_000 * Math.min(s.k, 10),
  });
  const k = s.k;
  const dead = Object.values(r.figures.queues).reduce((a, x) => a + x.deadLetters, 0);
  console.log(
    `capacity, scenario 2 (a burst of ${n(eventsPerSecond)} events/s for ${seconds} s, half POST /events, half EventBridge): ` +
      `${describeScale('events', total, s)}\n` +
      `  settings (full scale): eventsApiPerSecond ${BANK.eventsApiPerSecond} (burst ${2 * BANK.eventsApiPerSecond}), ingestConcurrency ${BANK.ingestConcurrency}, startsPerSecond ${BANK.startsPerSecond}\n` +
      `  ${n(r.acceptedByApi * k)} accepted by the API, ${n(r.putOnBus * k)} put on the bus; ${n(r.throttled * k)} answered 429 and sent again by the clients (${n(r.lambdaThrottled * k)} for want of a Lambda slot); ` +
      `the API let through ${n(r.peakApiPerSecond * k)}/s at its busiest; the last accepted after ${r.lastAcceptedAfterSeconds.toFixed(0)} s\n` +
      `  ${n(r.applied * k)} applied once, ${n(r.profiles * k)} customers, ${n(r.journeysStarted * k)} journeys started; ` +
      `backlog cleared (every queue empty) after ${r.drainedAfterSeconds.toFixed(0)} s (${(r.drainedAfterSeconds / 60).toFixed(1)} min): ` +
      `the ingest queue after ${emptied(r.figures, 'ingest', r.startedAt)} s, the start queue after ${emptied(r.figures, 'starts', r.startedAt)} s; dead letters ${dead}\n` +
      `${common(r.figures, k)}\n` +
      `  ${r.cpuSeconds.toFixed(1)} s CPU: ${n(total / s.k / r.cpuSeconds)} modelled events per CPU second`,
  );
}

async function scenario3(): Promise<void> {
  const r = await sesThrottling({ workflowsDir: WORKFLOWS_DIR, customers });
  console.log(
    `capacity, scenario 3 (SES at half its rate for an hour), ${n(customers)} customers sending at once, unscaled, ` +
      `emailsPerSecond ${DEFAULT_SCALE.emailsPerSecond} (send-message reserved ${sendConcurrency(DEFAULT_SCALE)}):\n` +
      `  ${n(r.greeted)} greeted, last email ${(r.lastSentAfterSeconds / 60).toFixed(1)} min after the start; ` +
      `${r.failedMessages} failed, ${r.deferredMessages} still deferred\n${common(r.figures, 1)}\n` +
      `  ${r.cpuSeconds.toFixed(1)} s CPU: ${n(customers / r.cpuSeconds)} customers per CPU second`,
  );
}

async function main(): Promise<void> {
  console.log(`capacity model: AWS quotas ${JSON.stringify(AWS_QUOTAS)}`);
  await scenario1();
  await scenario2();
  await scenario3();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
