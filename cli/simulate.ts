import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  historyMapping,
  readHistoryFile,
  readPopulationModel,
  type HistoryFile,
} from '../adapters/history/file';
import { loadWorkflows } from '../domain/config/load';
import type { CustomerEvent } from '../domain/events/schema';
import { renderHtmlReport, renderSummary } from '../adapters/report';
import { ValidationError, formatProblem, type Problem } from '../domain/errors';
import { forecastCost } from '../domain/simulate/cost';
import { HISTORY_PRESETS } from '../domain/simulate/history/mapping';
import { generatePopulation } from '../domain/simulate/population/generate';
import type { SimulationResult } from '../domain/simulate/result';
import { mergeResults } from '../domain/simulate/merge';
import { batchesFor, parseShard, processesFor, type Shard } from '../domain/simulate/shard';
import { simulateInBatches } from '../local/simulator/batches';
import { simulateInParts } from '../local/simulator/workers';
import { overall, progressBar, progressLines, PROGRESS_PREFIX, type PartProgress } from './progress';
import { commandArgs } from './args';

export const SIMULATE_USAGE = `Usage: rapport simulate (--history <file> [--format cdnow | --mapping <file>] | --generate <n>) [options]

  --history <file>     a purchase history: CSV or whitespace columns (see README, "Simulating")
  --format cdnow       the CDNOW preset (../shared/data/cdnow/CDNOW_master.txt)
  --mapping <file>     a column mapping (YAML or JSON) for any other history
  --generate <n>       a generated population of n customers instead (--seed, default 1)
  --model <file>       the generated population's behaviour (YAML or JSON; see README, "Simulating"),
                       e.g. customEvents: { product-viewed: { perMonth: 4, properties: { … } } }
  --from, --to <time>  the period (default: the history's span; generated: 2026-01-01 and --months)
  --months <n>         a generated population's period in months (default 12)
  --sweep hourly|daily how often the sweep runs (default hourly, as on AWS)
  --workflows <dir>    the workflows to simulate (default ./workflows)
  --compare <dir|ref>  the same population through other workflows: a folder or a git ref
  --json               the result as JSON instead of the summary
  --report <file>      also write the HTML report there
  --workers <n>|auto   simulate in n processes: the same result, sooner (default auto: one per core,
                       for 10,000 customers or more a process)
  --batch <n>          customers simulated at once in a process (default 10000): memory follows the
                       batch, not the population (a year: ~0.6 GB a process); the result is the same
`;

const OPTIONS = {
  history: { type: 'string' },
  format: { type: 'string' },
  mapping: { type: 'string' },
  generate: { type: 'string' },
  model: { type: 'string' },
  seed: { type: 'string', default: '1' },
  months: { type: 'string', default: '12' },
  from: { type: 'string' },
  to: { type: 'string' },
  sweep: { type: 'string', default: 'hourly' },
  workflows: { type: 'string' },
  compare: { type: 'string' },
  json: { type: 'boolean', default: false },
  report: { type: 'string' },
  workers: { type: 'string', default: 'auto' },
  batch: { type: 'string', default: '10000' },
  // Set by --workers on the processes it starts: which part of the population, the run's label, and
  // whether to write progress lines for it to read.
  shard: { type: 'string' },
  label: { type: 'string' },
  'progress-lines': { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** `rapport simulate`: a population through the workflows (and, with --compare, through other ones). */
export async function simulateCommand(
  args: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const values = commandArgs(
    { name: 'simulate', usage: SIMULATE_USAGE },
    () => parseArgs({ args: [...args], options: OPTIONS, strict: true }).values,
    usageProblem,
    err,
  );
  if (!values) return 2;
  try {
    const population = await populationOf(values);
    const sweepEveryMs = values.sweep === 'daily' ? 86_400_000 : 3_600_000;
    const workflows = workflowsDirOf(values);
    const processes = await processesOf(values, population);
    const run = (dir: string, label: string) =>
      processes > 1
        ? simulateWithWorkers(values, dir, label, population, processes)
        : simulateWith(values, dir, values.label ?? label, population, sweepEveryMs);
    const result = await run(workflows, relative(process.cwd(), workflows) || workflows);
    const compare = values.compare
      ? await withWorkflowsAt(values.compare, workflows, (dir) => run(dir, values.compare!))
      : undefined;
    out(
      values.json
        ? JSON.stringify(compare ? { a: result, b: compare } : result, null, 2)
        : renderSummary(result, compare).trimEnd(),
    );
    if (values.report) {
      writeFileSync(values.report, renderHtmlReport(result, compare));
      err(`report written to ${values.report}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ValidationError) {
      // The message already lists the problems (capped); the command shows each of them once.
      err(`${e.message.split('\n')[0]}\n${e.problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
      return 1;
    }
    throw e;
  }
}

const workflowsDirOf = (v: Values) => resolve(v.workflows ?? join(process.cwd(), 'workflows'));

function usageProblem(v: Values): string | undefined {
  if (!v.history === !v.generate) return 'give either --history <file> or --generate <n>';
  if (v.history && !v.format && !v.mapping) return 'a history needs --format cdnow or --mapping <file>';
  if (v.format && !(v.format in HISTORY_PRESETS))
    return `--format: got "${v.format}"; expected one of ${Object.keys(HISTORY_PRESETS).join(', ')}`;
  if (v.model && !v.generate) return '--model describes a generated population: give --generate <n> too';
  if (v.generate && !(Number(v.generate) > 0))
    return `--generate: got "${v.generate}"; expected a number of customers`;
  if (v.workers !== 'auto' && (!Number.isInteger(Number(v.workers)) || Number(v.workers) < 1))
    return `--workers: got "${v.workers}"; expected a whole number of processes, e.g. 2, or auto`;
  if (!Number.isInteger(Number(v.batch)) || Number(v.batch) < 1)
    return `--batch: got "${v.batch}"; expected a whole number of customers, e.g. 10000`;
  if (v.shard !== undefined && !parseShard(v.shard))
    return `--shard: got "${v.shard}"; expected i/N with 0 ≤ i < N, e.g. 0/2`;
  if (!['hourly', 'daily'].includes(v.sweep ?? ''))
    return `--sweep: got "${v.sweep}"; expected hourly or daily`;
  for (const key of ['from', 'to'] as const)
    if (v[key] !== undefined && Number.isNaN(Date.parse(v[key]!)))
      return `--${key}: got "${v[key]}"; expected an ISO 8601 time, e.g. 2026-01-01T00:00:00Z`;
  return undefined;
}

/** Who is simulated, over which period: read once to know them, then each part's events on demand. */
interface Population {
  from: string;
  to: string;
  open: () => Promise<PopulationInput>;
}

interface PopulationInput {
  customers: number;
  /** One part's events (generated or read for it alone), or everyone's. */
  eventsOf: (shard?: Shard) => AsyncIterable<CustomerEvent> | Iterable<CustomerEvent>;
}

async function populationOf(v: Values): Promise<Population> {
  if (v.generate) {
    const from = new Date(v.from ?? '2026-01-01T00:00:00Z');
    const to = v.to ? new Date(v.to) : new Date(from);
    if (!v.to) to.setUTCMonth(to.getUTCMonth() + Number(v.months));
    const options = {
      customers: Number(v.generate),
      from: from.toISOString(),
      to: to.toISOString(),
      seed: Number(v.seed),
      ...(v.model ? { model: readPopulationModel(resolve(v.model)) } : {}),
      // The model's own events are checked against the workflows' declarations, as ingest checks them.
      customEvents: loadWorkflows(workflowsDirOf(v)).settings?.customEvents ?? {},
    };
    const eventsOf = (shard?: Shard) => generatePopulation({ ...options, ...(shard ? { shard } : {}) });
    return {
      from: options.from,
      to: options.to,
      open: async () => ({ customers: options.customers, eventsOf }),
    };
  }
  const path = resolve(v.history!);
  const mapping = historyMapping({ format: v.format, mapping: v.mapping && resolve(v.mapping) });
  // Checked once (a pass over the file, one id per customer kept); each part is then read on its own.
  let file: Promise<HistoryFile> | undefined;
  const open = async () => {
    const { summary, eventsOf } = await (file ??= readHistoryFile(path, mapping));
    return { customers: summary.customers, eventsOf };
  };
  const { summary } = await (file ??= readHistoryFile(path, mapping));
  const first = summary.from ?? new Date().toISOString();
  const last = summary.to ?? first;
  const period = {
    from: v.from ?? `${first.slice(0, 10)}T00:00:00.000Z`,
    // The day after the last purchase: its journeys' first steps happen within the period.
    to: v.to ?? new Date(Date.parse(last) + 86_400_000).toISOString(),
  };
  checkPeriod(period, { source: path, first, last, shiftYears: mapping.shiftYears });
  return { ...period, open };
}

/**
 * A period that ends before it starts, or that holds none of the history's purchases, would simulate
 * nothing for minutes and then fail on an empty forecast: it is refused first, with the history's span.
 */
function checkPeriod(
  period: { from: string; to: string },
  history: { source: string; first: string; last: string; shiftYears: number },
): void {
  const shift = history.shiftYears
    ? ` (its dates are shifted by ${history.shiftYears} year${Math.abs(history.shiftYears) === 1 ? '' : 's'}, as the mapping's shiftYears says)`
    : '';
  const span = `${history.first} to ${history.last}${shift}`;
  const problems: Problem[] = [];
  if (Date.parse(period.to) <= Date.parse(period.from))
    problems.push({
      field: '--to',
      value: period.to,
      expected: `a time after the period's start, ${period.from}; the history runs from ${span}`,
    });
  else if (
    Date.parse(period.to) < Date.parse(history.first) ||
    Date.parse(period.from) > Date.parse(history.last)
  )
    problems.push({
      field: '--from/--to',
      value: `${period.from} to ${period.to}`,
      expected: `a period that overlaps the history's purchases, which run from ${span}`,
    });
  if (problems.length) throw new ValidationError(`Nothing to simulate in ${history.source}`, problems);
}

/** A part's process (--shard) simulates alone; `auto` counts the customers first (a generated population
 * knows them; a history's count comes from the pass that checks the file, which is done once). */
async function processesOf(v: Values, population: Population): Promise<number> {
  if (v.shard !== undefined) return 1;
  if (v.workers !== 'auto') return Number(v.workers);
  const { customers } = await population.open();
  return processesFor('auto', customers, availableParallelism());
}

/** This process's part (the whole, or --shard's), a batch of --batch customers at a time. */
async function simulateWith(
  v: Values,
  workflowsDir: string,
  label: string,
  population: Population,
  sweepEveryMs: number,
): Promise<SimulationResult> {
  const input = await population.open();
  const part = (v.shard === undefined ? undefined : parseShard(v.shard)) ?? { index: 0, count: 1 };
  const progress = v['progress-lines']
    ? progressLines((line) => process.stderr.write(line))
    : progressBar(label);
  try {
    return await simulateInBatches({
      workflowsDir,
      label,
      eventsOf: input.eventsOf,
      part,
      batches: batchesFor(input.customers, part, Number(v.batch)),
      from: population.from,
      to: population.to,
      sweepEveryMs,
      forecast: forecastCost,
      onProgress: (p) => progress.update({ ...p, customers: input.customers }),
    });
  } finally {
    progress.done();
  }
}

/** The population in parts, one process each (the same command, with --shard), the results merged. */
async function simulateWithWorkers(
  v: Values,
  workflowsDir: string,
  label: string,
  population: Population,
  parts: number,
): Promise<SimulationResult> {
  const args = ['--workflows', workflowsDir, '--label', label, '--sweep', v.sweep!, '--batch', v.batch!];
  args.push('--from', population.from, '--to', population.to);
  // A generated population (a model only comes with one) or a history: never both (checked above).
  if (v.generate) {
    args.push('--generate', v.generate, '--seed', v.seed!, '--months', v.months!);
    if (v.model) args.push('--model', resolve(v.model));
  } else if (v.format) args.push('--history', resolve(v.history!), '--format', v.format);
  else args.push('--history', resolve(v.history!), '--mapping', resolve(v.mapping!));
  if (!process.stderr.isTTY) return mergeResults(await simulateInParts(args, parts), forecastCost);
  const bar = progressBar(`${label} (${parts} processes)`);
  const seen: (PartProgress | undefined)[] = Array.from({ length: parts });
  try {
    const results = await simulateInParts([...args, '--progress-lines'], parts, {
      prefix: PROGRESS_PREFIX,
      onLine: (part, line) => {
        seen[part] = JSON.parse(line) as PartProgress;
        bar.update(overall(seen));
      },
    });
    return mergeResults(results, forecastCost);
  } finally {
    bar.done();
  }
}

/**
 * Runs `use` on the workflows at `target`: a folder as it is, or a git ref's version of the same folder
 * (exported to a temporary folder, removed afterwards).
 */
async function withWorkflowsAt<T>(
  target: string,
  workflows: string,
  use: (dir: string) => Promise<T>,
): Promise<T> {
  if (existsSync(target) && statSync(target).isDirectory()) return use(resolve(target));
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], {
    cwd: workflows,
    encoding: 'utf8',
  }).trim();
  const inRepo = relative(root, workflows);
  const dir = mkdtempSync(join(tmpdir(), 'rapport-compare-'));
  try {
    const tar = join(dir, 'workflows.tar');
    execFileSync('git', ['archive', '--format=tar', '-o', tar, target, inRepo], { cwd: root });
    execFileSync('tar', ['-xf', tar, '-C', dir]);
    return await use(join(dir, inRepo));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
