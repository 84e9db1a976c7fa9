/**
 * `npm run bench`: figures, not assertions. Runs the local runtime in-process and prints how fast the
 * pieces are on this machine, so that changes to the hot paths (ingest, send) can be compared.
 */
import { performance } from 'node:perf_hooks';
import { loadWorkflows } from '../../domain/config/load';
import { installVirtualTime } from '../../local/virtual-time';
import { startLocalRuntime } from '../../local/runtime';
import { fixedClock } from '../../domain/clock';
import { TEST_NOW, WORKFLOWS_DIR, firstSmallPurchase, inbox, postEvent } from '../support/local';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 300);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function benchLoad(): Promise<void> {
  const t0 = performance.now();
  const rounds = 20;
  for (let i = 0; i < rounds; i++) loadWorkflows(WORKFLOWS_DIR);
  console.log(
    `load + validate + compile workflows: ${((performance.now() - t0) / rounds).toFixed(1)} ms each`,
  );
}

async function benchRealTimeIngest(): Promise<void> {
  // Real timers, but the handlers' clock fixed outside quiet hours: on the wall clock a night-time run
  // would defer every send to the morning and measure nothing.
  const runtime = await startLocalRuntime({ workflowsDir: WORKFLOWS_DIR, clock: fixedClock(TEST_NOW) });
  try {
    const ids = Array.from({ length: customers }, (_, i) => i);
    const t0 = performance.now();
    await pool(ids, concurrency, async (i) => {
      const res = await postEvent(
        runtime,
        firstSmallPurchase({ eventId: `b-${i}`, customerId: `bench-${i}`, email: `b${i}@example.com` }),
      );
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${res.text}`);
    });
    const ingestMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 200));
    while (runtime.activity.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    const totalMs = performance.now() - t0;
    const sent = (await inbox(runtime)).length;
    console.log(
      `real time, ${customers} first purchases over HTTP (${concurrency} in flight): ` +
        `${((customers / ingestMs) * 1000).toFixed(0)} events/s accepted, ${sent} first emails sent, ${(totalMs / 1000).toFixed(2)} s until idle`,
    );
  } finally {
    await runtime.stop();
  }
}

async function benchVirtualTime(): Promise<void> {
  const time = installVirtualTime('2026-11-22T10:00:00Z');
  // Daily sweeps, as the scenarios run: the sweeper's timer never ends, so the run needs an `until`.
  const runtime = await startLocalRuntime({
    workflowsDir: WORKFLOWS_DIR,
    clock: time.clock,
    sweepEveryMs: 86_400_000,
  });
  try {
    const t0 = performance.now();
    for (let i = 0; i < customers; i++) {
      await postEvent(
        runtime,
        firstSmallPurchase({ eventId: `v-${i}`, customerId: `virtual-${i}`, email: `v${i}@example.com` }),
      );
    }
    // The journey takes at most 17 days (3-day wait, then up to 14 days for a second purchase).
    await time.run(runtime.activity, { until: '2026-12-12T10:00:00Z' });
    const ms = performance.now() - t0;
    const sent = (await inbox(runtime)).filter((e) => e.destination.to.some((t) => t.startsWith('v'))).length;
    console.log(
      `virtual time, ${customers} customers through first-small-purchase (20 days): ${(ms / 1000).toFixed(2)} s real, ` +
        `${sent} emails, virtual clock now ${time.clock.now().toISOString()}`,
    );
  } finally {
    await runtime.stop();
    time.uninstall();
  }
}

async function main(): Promise<void> {
  console.log(`Rapport benchmarks (node ${process.version}, BENCH_CUSTOMERS=${customers})`);
  await benchLoad();
  await benchRealTimeIngest();
  await benchVirtualTime();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
