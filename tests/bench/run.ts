/**
 * `npm run bench`: figures, not assertions. Runs the local runtime in-process and prints how fast the
 * pieces are on this machine, so that changes to the hot paths (ingest, send) can be compared.
 * `BENCH_ONLY=ingest,load` runs only the sections named.
 */
import { performance } from 'node:perf_hooks';
import { loadWorkflows } from '../../domain/config/load';
import { installVirtualTime } from '../../local/virtual-time';
import { startLocalRuntime } from '../../local/runtime';
import { WORKFLOWS_DIR, firstSmallPurchase, inbox, postEvent } from '../support/local';
import { benchBundles } from './bundles';
import { benchCalls } from './calls';
import { benchIngest, describeIngest } from './ingest';
import { benchTransitions } from './transitions';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 300);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const latencySamples = Number(process.env.BENCH_LATENCY_SAMPLES ?? 100);

async function benchLoad(): Promise<string[]> {
  const t0 = performance.now();
  const rounds = 20;
  for (let i = 0; i < rounds; i++) loadWorkflows(WORKFLOWS_DIR);
  return [`load + validate + compile workflows: ${((performance.now() - t0) / rounds).toFixed(1)} ms each`];
}

async function benchVirtualTime(): Promise<string[]> {
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
    return [
      `virtual time, ${customers} customers through first-small-purchase (20 days): ${(ms / 1000).toFixed(2)} s real, ` +
        `${sent} emails, virtual clock now ${time.clock.now().toISOString()}`,
    ];
  } finally {
    await runtime.stop();
    time.uninstall();
  }
}

const printing = (bench: () => Promise<void>) => async (): Promise<string[]> => {
  await bench();
  return [];
};

/** One section of the bench: a name to pick it by, and the lines it prints. */
export interface BenchSection {
  name: string;
  run(): Promise<string[]>;
}

/** Every section, in the order printed; another bench module plugs in here as one more entry. */
const SECTIONS: BenchSection[] = [
  { name: 'load', run: benchLoad },
  {
    name: 'ingest',
    run: async () =>
      describeIngest(await benchIngest({ events: customers, concurrency, latencySamples: latencySamples })),
  },
  { name: 'virtual', run: benchVirtualTime },
  // These print their own tables as they go.
  { name: 'calls', run: printing(benchCalls) },
  { name: 'transitions', run: printing(benchTransitions) },
  { name: 'bundles', run: printing(benchBundles) },
];

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  console.log(`Rapport benchmarks (node ${process.version}, BENCH_CUSTOMERS=${customers})`);
  for (const section of SECTIONS) {
    if (only && !only.includes(section.name)) continue;
    for (const line of await section.run()) console.log(line);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
