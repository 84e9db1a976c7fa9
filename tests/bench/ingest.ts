/**
 * Ingest on `npm start`'s runtime (dynalite on disk, the durable journal, real timers): how many
 * POST /events per second it accepts against how many raw PutItems per second the same dynalite takes
 * through a plain SDK client in the same run, and how long an event takes to become an email in the
 * local inbox.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { fixedClock } from '../../domain/clock';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { localClientConfig } from '../../local/sdk';
import { TEST_NOW, WORKFLOWS_DIR, firstSmallPurchase } from '../support/local';
import { countCalls } from '../support/sdk-calls';

export interface Run {
  events: number;
  concurrency: number;
  /** POST /events answered 202 per second, while the journeys they start run alongside. */
  eventsPerSecond: number;
  /** Until every journey started had sent what it sends now and nothing was in flight. */
  secondsUntilIdle: number;
  /** SDK calls made per event, counted at the runtime's clients until idle. */
  callsPerEvent: { dynamodb: number; other: number };
}

export interface IngestFigures {
  /** First purchases: each starts first-small-purchase, which sends its first email at once. */
  purchases: Run;
  /** Profile updates of new customers: the ingest path alone. */
  profiles: Run;
  /** Raw PutItem of a 1 KB item through a plain SDK client over HTTP: the mean of a run before and after. */
  putsPerSecond: number;
  putRuns: [number, number];
  latency: { samples: number; p50: number; p99: number; max: number };
}

export async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** A client that keeps its connections, as any real sender of events does. */
const agent = new Agent({ keepAlive: true });

function post(runtime: LocalRuntime, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${runtime.urls.api}/events`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

type EventOf = (prefix: string, i: number) => Record<string, unknown>;

const purchase: EventOf = (prefix, i) =>
  firstSmallPurchase({
    eventId: `${prefix}-${i}`,
    customerId: `${prefix}-${i}`,
    email: `${prefix}${i}@example.com`,
  });

/** A profile update of a new customer: the ingest path alone (no journey enters, nothing is sent). */
const profile: EventOf = (prefix, i) => {
  const { amount: _a, currency: _c, ...rest } = purchase(prefix, i);
  return { ...rest, type: 'profile' };
};

async function postAll(
  runtime: LocalRuntime,
  prefix: string,
  ids: number[],
  concurrency: number,
  eventOf = purchase,
) {
  await pool(ids, concurrency, async (i) => {
    const status = await post(runtime, eventOf(prefix, i));
    if (status !== 202) throw new Error(`POST /events answered ${status}`);
  });
}

/** The runtime's SDK calls so far, DynamoDB apart from the rest (for calls per event). */
function countRuntimeCalls(runtime: LocalRuntime): () => { dynamodb: number; other: number } {
  const counters = Object.entries(runtime.clients).map(
    ([name, client]) => [name, countCalls(client as DynamoDBClient)] as const,
  );
  return () => {
    const count = { dynamodb: 0, other: 0 };
    for (const [name, counter] of counters)
      count[name === 'dynamodb' ? 'dynamodb' : 'other'] += counter.total();
    return count;
  };
}

type Calls = ReturnType<typeof countRuntimeCalls>;

/** Events per second answered 202, and the SDK calls per event until the work they started is done. */
async function ingestRun(
  runtime: LocalRuntime,
  calls: Calls,
  run: Omit<Run, 'eventsPerSecond' | 'secondsUntilIdle' | 'callsPerEvent'> & {
    eventOf: EventOf;
    prefix: string;
  },
) {
  const { events, concurrency } = run;
  const start = calls();
  const t0 = performance.now();
  await postAll(runtime, run.prefix, range(events), concurrency, run.eventOf);
  const eventsPerSecond = (events / (performance.now() - t0)) * 1000;
  await idle(runtime);
  const secondsUntilIdle = (performance.now() - t0) / 1000;
  const end = calls();
  const callsPerEvent = {
    dynamodb: (end.dynamodb - start.dynamodb) / events,
    other: (end.other - start.other) / events,
  };
  return { events, concurrency, eventsPerSecond, secondsUntilIdle, callsPerEvent };
}

async function idle(runtime: LocalRuntime): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  while (runtime.activity.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
}

/** 1 KB items, `concurrency` in flight, through a fresh client with the SDK's own HTTP handler. */
async function rawPuts(runtime: LocalRuntime, count: number, concurrency: number, run: string) {
  const client = new DynamoDBClient(localClientConfig(runtime.urls.dynamodb));
  const data = 'x'.repeat(1000);
  try {
    const ids = Array.from({ length: count }, (_, i) => i);
    // Connections, the client's first-call set-up and unoptimised code are not what is compared (the
    // runtime's own clients no longer go over HTTP, so its code is cold until these run).
    await pool(ids.slice(0, 1000), concurrency, (i) => put(i, `warm-${run}`));
    const t0 = performance.now();
    await pool(ids, concurrency, (i) => put(i, run));
    return (count / (performance.now() - t0)) * 1000;
  } finally {
    client.destroy();
  }
  async function put(i: number, prefix: string): Promise<void> {
    const Item = { pk: { S: `BENCH#${prefix}-${i}` }, sk: { S: 'RAW' }, data: { S: data } };
    await client.send(new PutItemCommand({ TableName: runtime.tableName, Item }));
  }
}

/** Event → email: from the POST's start to SES's answer for that address, one event in flight. */
async function latencies(runtime: LocalRuntime, count: number): Promise<number[]> {
  const posted = new Map<string, number>();
  const took: number[] = [];
  runtime.clients.ses.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const to = (args.input as { Destinations?: string[] }).Destinations?.[0] ?? '';
      const at = posted.get(to);
      if (at !== undefined) took.push(performance.now() - at);
      return out;
    },
    { step: 'initialize', name: 'benchLatency' },
  );
  for (let i = 0; i < count; i++) {
    posted.set(`lat${i}@example.com`, performance.now());
    await postAll(runtime, 'lat', [i], 1);
  }
  await idle(runtime);
  return took.sort((a, b) => a - b);
}

/**
 * With BENCH_PROFILE=<file>, a CPU profile of `work` (open it in Chrome's DevTools or VS Code): where the
 * ingest run's time goes, without the start-up and the other runs.
 */
async function profiled<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!file) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export async function benchIngest(
  options: { events: number; concurrency: number; latencySamples: number } = {
    events: 300,
    concurrency: 8,
    latencySamples: 100,
  },
): Promise<IngestFigures> {
  const { events, concurrency, latencySamples } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'rapport-bench-'));
  // Real timers, but the handlers' clock fixed outside quiet hours: on the wall clock a night-time run
  // would defer every send to the morning and measure nothing.
  const runtime = await startLocalRuntime({
    dataDir,
    workflowsDir: WORKFLOWS_DIR,
    clock: fixedClock(TEST_NOW),
  });
  try {
    const calls = countRuntimeCalls(runtime);
    // Both sides warmed up first: a fresh process runs its first few hundred calls unoptimised.
    await postAll(runtime, 'warm', range(50), concurrency);
    await idle(runtime);
    const before = await rawPuts(runtime, events * 4, concurrency, 'before');
    const purchases = await profiled(process.env.BENCH_PROFILE, () =>
      ingestRun(runtime, calls, { events, concurrency, prefix: 'b', eventOf: purchase }),
    );
    const profiles = await ingestRun(runtime, calls, { events, concurrency, prefix: 'p', eventOf: profile });
    const after = await rawPuts(runtime, events * 4, concurrency, 'after');
    const sorted = await latencies(runtime, latencySamples);
    const latency = {
      samples: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
    };
    return { purchases, profiles, putsPerSecond: (before + after) / 2, putRuns: [before, after], latency };
  } finally {
    agent.destroy();
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function describeIngest(f: IngestFigures): string[] {
  const n = (x: number) => x.toFixed(0);
  const run = (r: Run, what: string) =>
    `${r.events} ${what} over HTTP, ${r.concurrency} in flight: ${r.eventsPerSecond.toFixed(1)} events/s accepted (202), ` +
    `ratio ${(r.eventsPerSecond / f.putsPerSecond).toFixed(3)}; idle after ${r.secondsUntilIdle.toFixed(2)} s; ` +
    `${r.callsPerEvent.dynamodb.toFixed(1)} DynamoDB + ${r.callsPerEvent.other.toFixed(1)} other SDK calls per event`;
  return [
    `raw dynalite PutItem via the SDK (npm start's runtime, on disk; ${f.purchases.concurrency} in flight, 1 KB): ` +
      `${n(f.putsPerSecond)} puts/s (${n(f.putRuns[0])} before, ${n(f.putRuns[1])} after the ingest runs)`,
    `ingest throughput ratio (first purchases, events/s ÷ puts/s): ${(f.purchases.eventsPerSecond / f.putsPerSecond).toFixed(3)} (target ≥ 0.25)`,
    `  ${run(f.purchases, 'first purchases (each starts a journey that sends an email at once)')}`,
    `  ${run(f.profiles, 'profile updates of new customers (the ingest path alone)')}`,
    `event → email in the local inbox, one event in flight, ${f.latency.samples} events: ` +
      `p50 ${n(f.latency.p50)} ms, p99 ${n(f.latency.p99)} ms, max ${n(f.latency.max)} ms (goal p99 ≤ 250 ms)`,
  ];
}
