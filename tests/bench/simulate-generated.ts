/**
 * `npm run bench:simulate`, second half: a generated population through every shipped journey, as a user
 * runs it (`rapport simulate --generate N --workers W --batch B --json`), with the CPU time of every
 * process, the peak of their summed memory, and what a million customers would take. Run twice: with
 * one batch per worker, then with several, to show that memory follows the batch and not the population.
 * Figures, not assertions.
 *
 * BENCH_CUSTOMERS (default 20,000; 1000000 for the target), BENCH_BATCH (customers at once in a process,
 * default 2,500), BENCH_WORKERS (default 2), BENCH_MONTHS (default 12).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulationResult } from '../../domain/simulate/result';
import { WORKFLOWS_DIR } from '../support/paths';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 20_000);
const batch = Number(process.env.BENCH_BATCH ?? 2_500);
const workers = Number(process.env.BENCH_WORKERS ?? 2);
const months = Number(process.env.BENCH_MONTHS ?? 12);
const BIN = join(__dirname, '..', '..', 'bin', 'rapport.cjs');

interface Measured {
  result: SimulationResult;
  cpuSeconds: number;
  wallSeconds: number;
  peakRssMiB: number;
}

/** The command under /usr/bin/time (CPU of the whole process tree), its tree's memory sampled by `ps`. */
async function measure(n: number): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-'));
  const timing = join(dir, 'time');
  const args = [
    'simulate',
    '--generate',
    String(n),
    '--months',
    String(months),
    '--workflows',
    WORKFLOWS_DIR,
  ];
  args.push('--workers', String(workers), '--batch', String(batch), '--json');
  const child = spawn('/usr/bin/time', ['-f', '%U %S %e', '-o', timing, process.execPath, BIN, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssKiB(child.pid!))), 500);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`rapport ${args.join(' ')} exited ${code}`);
  const [user, sys, wall] = readFileSync(timing, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
  rmSync(dir, { recursive: true, force: true });
  return {
    result: JSON.parse(Buffer.concat(out).toString()) as SimulationResult,
    cpuSeconds: user! + sys!,
    wallSeconds: wall!,
    peakRssMiB: peak / 1024,
  };
}

/** The resident memory of a process and all its descendants, KiB. */
function treeRssKiB(root: number): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const tree = new Set([root]);
  for (let grown = true; grown;) {
    grown = false;
    for (const [pid, ppid] of rows) if (tree.has(ppid) && !tree.has(pid)) grown = tree.add(pid) !== undefined;
  }
  return rows.reduce((sum, [pid, , rss]) => (tree.has(pid) ? sum + rss : sum), 0);
}

function report(n: number, m: Measured): void {
  const perCustomerMs = (m.cpuSeconds * 1000) / n;
  const batches = Math.max(1, Math.ceil(n / workers / batch));
  console.log(
    `generated ${n.toLocaleString('en-US')} customers x ${months} months, ${workers} processes, ` +
      `${batches} batch(es) of ~${Math.round(n / workers / batches).toLocaleString('en-US')} each: ` +
      `${m.result.events.toLocaleString('en-US')} events; CPU ${m.cpuSeconds.toFixed(0)} s ` +
      `(${perCustomerMs.toFixed(2)} ms a customer), wall ${m.wallSeconds.toFixed(0)} s; ` +
      `peak RSS of all processes ${m.peakRssMiB.toFixed(0)} MiB`,
  );
  console.log(
    `  at this rate 1,000,000 customers on 2 cores: ${((perCustomerMs * 1e6) / 2 / 60_000).toFixed(0)} min ` +
      `of CPU per core; infra per 1M customers per month: ` +
      `$${m.result.cost.infraUsdPerMonthPerMillionCustomers.toFixed(2)}, ` +
      `${m.result.usage.stateTransitions.toLocaleString('en-US')} state transitions`,
  );
}

async function main(): Promise<void> {
  // One batch per process first: the memory of a batch, to compare the full run's with.
  const small = Math.min(customers, batch * workers);
  const first = small < customers ? await measure(small) : undefined;
  if (first) report(small, first);
  const full = await measure(customers);
  report(customers, full);
  if (!first) return;
  // Without what every run pays once (starting the processes, compiling the workflows).
  const marginalMs = ((full.cpuSeconds - first.cpuSeconds) * 1000) / (customers - small);
  console.log(
    `  CPU per further customer ${marginalMs.toFixed(2)} ms: 1,000,000 customers on 2 cores in about ` +
      `${((marginalMs * 1e6) / 2 / 60_000).toFixed(0)} min; peak memory ${first.peakRssMiB.toFixed(0)} MiB ` +
      `for ${small.toLocaleString('en-US')} customers, ${full.peakRssMiB.toFixed(0)} MiB for ` +
      `${customers.toLocaleString('en-US')}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
