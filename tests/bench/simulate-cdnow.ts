/**
 * `npm run bench:simulate`: CDNOW through every shipped journey in the simulator, with the time taken and
 * the memory used. Figures, not assertions. BENCH_MONTHS limits the period (default: all 18 months).
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { readHistoryFile } from '../../adapters/history/file';
import { HISTORY_PRESETS } from '../../domain/simulate/history/mapping';
import { forecastCost } from '../../domain/simulate/cost';
import { availableParallelism } from 'node:os';
import { mergeResults } from '../../domain/simulate/merge';
import { simulate } from '../../local/simulator/engine';
import { simulateInParts } from '../../local/simulator/workers';
import { WORKFLOWS_DIR } from '../support/paths';

const months = Number(process.env.BENCH_MONTHS ?? 18);
const workers = Number(process.env.BENCH_WORKERS ?? availableParallelism());
const file =
  process.env.BENCH_HISTORY ??
  join(__dirname, '..', '..', '..', 'shared', 'data', 'cdnow', 'CDNOW_master.txt');

async function main(): Promise<void> {
  const t0 = performance.now();
  const { summary, eventsOf } = await readHistoryFile(file, HISTORY_PRESETS.cdnow);
  const from = `${summary.from!.slice(0, 10)}T00:00:00.000Z`;
  const end = new Date(from);
  end.setUTCMonth(end.getUTCMonth() + months);
  const to = new Date(Math.min(end.getTime(), Date.parse(summary.to!) + 86_400_000)).toISOString();
  const t1 = performance.now();
  let peak = 0;
  const result = await simulate({
    workflowsDir: WORKFLOWS_DIR,
    events: eventsOf(),
    from,
    to,
    forecast: forecastCost,
    onProgress: ({ events: n }) => {
      if (n % 5000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    },
  });
  const t2 = performance.now();
  const f = result.cost;
  console.log(
    `CDNOW ${months} months (${from.slice(0, 10)} to ${to.slice(0, 10)}), hourly sweep: ` +
      `${result.events.toLocaleString('en-US')} events, ${result.customers.toLocaleString('en-US')} customers, ` +
      `read ${((t1 - t0) / 1000).toFixed(1)} s, simulated ${((t2 - t1) / 1000).toFixed(1)} s, ` +
      `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`,
  );
  for (const l of f.lines)
    console.log(
      `  ${l.service.padEnd(16)} ${l.item.padEnd(28)} $${l.usdPerMonthPerMillionCustomers.toFixed(2)} per 1M customers per month`,
    );
  console.log(
    `  infra per 1M customers per month: $${f.infraUsdPerMonthPerMillionCustomers.toFixed(2)}; transitions ${result.usage.stateTransitions}`,
  );
  await inParts(from, to);
}

/** The same history in one process per core (`rapport simulate --workers`): the wall time it saves. */
async function inParts(from: string, to: string): Promise<void> {
  if (workers < 2) return;
  const t0 = performance.now();
  const args = [
    '--history',
    file,
    '--format',
    'cdnow',
    '--from',
    from,
    '--to',
    to,
    '--workflows',
    WORKFLOWS_DIR,
  ];
  const result = mergeResults(await simulateInParts(args, workers), forecastCost);
  console.log(
    `the same in ${workers} processes (--workers ${workers}): ${((performance.now() - t0) / 1000).toFixed(1)} s, ` +
      `${result.usage.stateTransitions.toLocaleString('en-US')} transitions (the same count)`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
