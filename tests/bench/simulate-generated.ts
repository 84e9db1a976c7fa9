/**
 * A generated population through every shipped journey in the simulator: time taken and peak memory, so
 * the cost of a million customers can be judged from a smaller run. Figures, not assertions.
 * BENCH_CUSTOMERS (default 10,000) and BENCH_MONTHS (default 12).
 */
import { performance } from 'node:perf_hooks';
import { forecastCost } from '../../domain/simulate/cost';
import { generatePopulation } from '../../domain/simulate/population/generate';
import { simulate } from '../../local/simulator/engine';
import { WORKFLOWS_DIR } from '../support/local';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const months = Number(process.env.BENCH_MONTHS ?? 12);

async function main(): Promise<void> {
  const from = '2026-01-01T00:00:00.000Z';
  const end = new Date(from);
  end.setUTCMonth(end.getUTCMonth() + months);
  const to = end.toISOString();
  let peak = 0;
  const t0 = performance.now();
  const result = await simulate({
    workflowsDir: WORKFLOWS_DIR,
    events: generatePopulation({ customers, from, to, seed: 1 }),
    from,
    to,
    forecast: forecastCost,
    onProgress: ({ events }) => {
      if (events % 2000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    },
  });
  const s = (performance.now() - t0) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  const perCustomerMs = (s * 1000) / customers;
  console.log(
    `generated ${customers.toLocaleString('en-US')} customers x ${months} months: ` +
      `${result.events.toLocaleString('en-US')} events in ${s.toFixed(1)} s ` +
      `(${(result.events / s).toFixed(0)} events/s), peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; ` +
      `at this rate 1,000,000 customers would take ${((perCustomerMs * 1e6) / 60_000).toFixed(0)} min`,
  );
  console.log(
    `  infra per 1M customers per month: $${result.cost.infraUsdPerMonthPerMillionCustomers.toFixed(2)}, ` +
      `${result.usage.stateTransitions.toLocaleString('en-US')} state transitions`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
