import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { historyMapping, readHistoryFile } from '../adapters/history/file';
import { renderHtmlReport, renderSummary } from '../adapters/report';
import { ValidationError, formatProblem } from '../domain/errors';
import { forecastCost } from '../domain/simulate/cost';
import { HISTORY_PRESETS } from '../domain/simulate/history/mapping';
import type { HistoryEvent } from '../domain/simulate/history/timeline';
import { generatePopulation } from '../domain/simulate/population/generate';
import type { SimulationResult } from '../domain/simulate/result';
import { mergeResults } from '../domain/simulate/merge';
import { parseShard } from '../domain/simulate/shard';
import { simulate } from '../local/simulator/engine';
import { simulateInParts } from '../local/simulator/workers';

export const SIMULATE_USAGE = `Usage: rapport simulate (--history <file> [--format cdnow | --mapping <file>] | --generate <n>) [options]

  --history <file>     a purchase history: CSV or whitespace columns (see README, "Simulating")
  --format cdnow       the CDNOW preset (../shared/data/cdnow/CDNOW_master.txt)
  --mapping <file>     a column mapping (YAML or JSON) for any other history
  --generate <n>       a generated population of n customers instead (--seed, default 1)
  --from, --to <time>  the period (default: the history's span; generated: 2026-01-01 and --months)
  --months <n>         a generated population's period in months (default 12)
  --sweep hourly|daily how often the sweep runs (default hourly, as on AWS)
  --workflows <dir>    the workflows to simulate (default ./workflows)
  --compare <dir|ref>  the same population through other workflows: a folder or a git ref
  --json               the result as JSON instead of the summary
  --report <file>      also write the HTML report there
  --workers <n>        simulate in n processes, one per core (default 1): the same result, sooner
`;

const OPTIONS = {
  history: { type: 'string' },
  format: { type: 'string' },
  mapping: { type: 'string' },
  generate: { type: 'string' },
  seed: { type: 'string', default: '1' },
  months: { type: 'string', default: '12' },
  from: { type: 'string' },
  to: { type: 'string' },
  sweep: { type: 'string', default: 'hourly' },
  workflows: { type: 'string' },
  compare: { type: 'string' },
  json: { type: 'boolean', default: false },
  report: { type: 'string' },
  workers: { type: 'string', default: '1' },
  // Set by --workers on the processes it starts: which part of the population, and the run's label.
  shard: { type: 'string' },
  label: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** `rapport simulate`: a population through the workflows (and, with --compare, through other ones). */
export async function simulateCommand(
  args: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  let values: Values;
  try {
    ({ values } = parseArgs({ args: [...args], options: OPTIONS, strict: true }));
  } catch (e) {
    err(`rapport simulate: ${(e as Error).message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  const problem = usageProblem(values);
  if (problem) {
    err(`rapport simulate: ${problem}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  try {
    const population = await populationOf(values);
    const sweepEveryMs = values.sweep === 'daily' ? 86_400_000 : 3_600_000;
    const workflows = resolve(values.workflows ?? join(process.cwd(), 'workflows'));
    const run = (dir: string, label: string) =>
      Number(values.workers) > 1
        ? simulateWithWorkers(values, dir, label, population)
        : simulateWith(dir, values.label ?? label, population, sweepEveryMs, values.shard);
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
      err(`${e.message}:\n${e.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
      return 1;
    }
    throw e;
  }
}

function usageProblem(v: Values): string | undefined {
  if (!v.history === !v.generate) return 'give either --history <file> or --generate <n>';
  if (v.history && !v.format && !v.mapping) return 'a history needs --format cdnow or --mapping <file>';
  if (v.format && !(v.format in HISTORY_PRESETS))
    return `--format: got "${v.format}"; expected one of ${Object.keys(HISTORY_PRESETS).join(', ')}`;
  if (v.generate && !(Number(v.generate) > 0))
    return `--generate: got "${v.generate}"; expected a number of customers`;
  if (!Number.isInteger(Number(v.workers)) || Number(v.workers) < 1)
    return `--workers: got "${v.workers}"; expected a whole number of processes, e.g. 2`;
  if (v.shard !== undefined && !parseShard(v.shard))
    return `--shard: got "${v.shard}"; expected i/N with 0 ≤ i < N, e.g. 0/2`;
  if (!['hourly', 'daily'].includes(v.sweep ?? ''))
    return `--sweep: got "${v.sweep}"; expected hourly or daily`;
  for (const key of ['from', 'to'] as const)
    if (v[key] !== undefined && Number.isNaN(Date.parse(v[key]!)))
      return `--${key}: got "${v[key]}"; expected an ISO 8601 time, e.g. 2026-01-01T00:00:00Z`;
  return undefined;
}

/** Who is simulated, over which period: the events can be read again for a comparison. */
interface Population {
  from: string;
  to: string;
  events: () => Promise<AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>>;
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
    };
    return { from: options.from, to: options.to, events: async () => generatePopulation(options) };
  }
  const path = resolve(v.history!);
  const mapping = historyMapping({ format: v.format, mapping: v.mapping && resolve(v.mapping) });
  const events = async () => (await readHistoryFile(path, mapping)).events;
  // Reading the file for its span takes seconds on a large history: not when the period is given.
  if (v.from && v.to) return { from: v.from, to: v.to, events };
  const { summary } = await readHistoryFile(path, mapping);
  const first = summary.from ?? new Date().toISOString();
  const last = summary.to ?? first;
  return {
    from: v.from ?? `${first.slice(0, 10)}T00:00:00.000Z`,
    // The day after the last purchase: its journeys' first steps happen within the period.
    to: v.to ?? new Date(Date.parse(last) + 86_400_000).toISOString(),
    events,
  };
}

async function simulateWith(
  workflowsDir: string,
  label: string,
  population: Population,
  sweepEveryMs: number,
  shard: string | undefined,
): Promise<SimulationResult> {
  const progress = progressBar(population, label);
  const part = shard === undefined ? undefined : parseShard(shard);
  try {
    return await simulate({
      workflowsDir,
      label,
      events: await population.events(),
      from: population.from,
      to: population.to,
      sweepEveryMs,
      forecast: forecastCost,
      onProgress: progress.update,
      ...(part ? { shard: part } : {}),
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
): Promise<SimulationResult> {
  const args = ['--workflows', workflowsDir, '--label', label, '--sweep', v.sweep!];
  args.push('--from', population.from, '--to', population.to);
  if (v.generate) args.push('--generate', v.generate, '--seed', v.seed!, '--months', v.months!);
  else if (v.format) args.push('--history', resolve(v.history!), '--format', v.format);
  else args.push('--history', resolve(v.history!), '--mapping', resolve(v.mapping!));
  if (process.stderr.isTTY) process.stderr.write(`${label}: simulating in ${v.workers} processes…\n`);
  return mergeResults(await simulateInParts(args, Number(v.workers)), forecastCost);
}

/** Events done, rate and ETA on stderr, redrawn in place; nothing when stderr is not a terminal. */
function progressBar(population: Population, label: string) {
  if (!process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  const started = performance.now();
  const span = Date.parse(population.to) - Date.parse(population.from);
  let last = 0;
  return {
    update: ({ events, at }: { events: number; at: string }) => {
      const now = performance.now();
      if (now - last < 250) return;
      last = now;
      const done = Math.min(1, Math.max(0.0001, (Date.parse(at) - Date.parse(population.from)) / span));
      const elapsed = (now - started) / 1000;
      const eta = (elapsed * (1 - done)) / done;
      process.stderr.write(
        `\r${label}: ${events.toLocaleString('en-US')} events, ${Math.round(events / elapsed)}/s, simulated to ${at.slice(0, 10)} (${Math.round(done * 100)}%), ETA ${Math.round(eta)} s   `,
      );
    },
    done: () => process.stderr.write('\n'),
  };
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
