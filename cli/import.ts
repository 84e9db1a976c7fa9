import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { historyMapping, readHistoryFile } from '../adapters/history/file';
import { systemClock, type Clock } from '../domain/clock';
import { loadWorkflows } from '../domain/config/load';
import { ValidationError, formatProblem } from '../domain/errors';
import { HISTORY_PRESETS } from '../domain/simulate/history/mapping';
import { importHistory, StoreNotEmptyError, type ImportResult } from '../local/import';
import { DataDirInUseError } from '../local/instance-lock';
import { localDataDir } from '../local/store';
import { commandArgs } from './args';

export const IMPORT_USAGE = `Usage: rapport import <history> (--format cdnow | --mapping <file>) [options]

Loads a purchase history into the local store that npm start uses: every customer's profile, stage and
tier (with their histories) as of now or --as-of, without running the past's journeys. Journeys start
from then on, as customers become due (a customer going dormant after it gets the reactivation journey).

  <history>            a purchase history: CSV or whitespace columns, read as simulate reads it
  --format cdnow       the CDNOW preset (../shared/data/cdnow/CDNOW_master.txt)
  --mapping <file>     a column mapping (YAML or JSON) for any other history
  --as-of <time>       the customers as of this time (default: now); later events are left out
  --data <dir>         the data folder (default $RAPPORT_DATA_DIR, or .rapport/data as npm start)
  --replace            clear the store first (its customers, events and journey executions)
  --workflows <dir>    the workflows: the lifecycle, settings and journeys (default ./workflows)
`;

const OPTIONS = {
  format: { type: 'string' },
  mapping: { type: 'string' },
  'as-of': { type: 'string' },
  data: { type: 'string' },
  replace: { type: 'boolean', default: false },
  workflows: { type: 'string' },
} as const;

type Parsed = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;

/** `rapport import`: a history into the local store, as of now (the clock) or `--as-of`. */
export async function importCommand(
  args: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  clock: Clock = systemClock,
): Promise<number> {
  const parsed = commandArgs(
    { name: 'import', usage: IMPORT_USAGE },
    () => parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true }),
    usageProblem,
    err,
  );
  if (!parsed) return 2;
  const { values } = parsed;
  const path = resolve(parsed.positionals[0]!);
  const dataDir = resolve(values.data ?? localDataDir());
  const asOf = values['as-of'] ? new Date(values['as-of']) : clock.now();
  try {
    const workflows = loadWorkflows(resolve(values.workflows ?? join(process.cwd(), 'workflows')));
    const mapping = historyMapping(values);
    const started = performance.now();
    // Every line is checked before this returns: a file with a problem writes nothing.
    const history = await readHistoryFile(path, mapping, { eventTimes: workflows.settings.events });
    const result = await importHistory({
      dataDir,
      workflows,
      events: history.eventsOf(),
      source: path,
      asOf,
      replace: values.replace,
      onProgress: progress(),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    out(importSummary(result, { path, dataDir, asOf, seconds: (performance.now() - started) / 1000 }));
    return 0;
  } catch (e) {
    const reason = explain(e);
    if (reason === undefined) throw e;
    err(`rapport import: ${reason}`);
    return 1;
  }
}

function usageProblem({ values: v, positionals }: Parsed): string | undefined {
  if (positionals.length !== 1)
    return 'name one history file, e.g. rapport import orders.csv --mapping m.yaml';
  if (!existsSync(positionals[0]!)) return `no such file: ${positionals[0]}`;
  if (!v.format === !v.mapping) return 'give either --format cdnow or --mapping <file>';
  if (v.format && !(v.format in HISTORY_PRESETS))
    return `--format: got "${v.format}"; expected one of ${Object.keys(HISTORY_PRESETS).join(', ')}`;
  if (v.mapping && !existsSync(v.mapping)) return `--mapping: no such file: ${v.mapping}`;
  const asOf = v['as-of'];
  if (asOf !== undefined && Number.isNaN(Date.parse(asOf)))
    return `--as-of: got "${asOf}"; expected an ISO 8601 time, e.g. 2026-06-30T00:00:00Z`;
  return undefined;
}

/** What the person can act on, or undefined for an error that is a bug (thrown on). */
function explain(e: unknown): string | undefined {
  if (e instanceof ValidationError)
    return `${e.message.split('\n')[0]}; nothing was imported:\n${e.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`;
  if (e instanceof DataDirInUseError)
    return `${e.message}: stop it (Ctrl+C where npm start runs), then import again; nothing was imported`;
  if (e instanceof StoreNotEmptyError)
    return (
      `${e.message}; nothing was imported. Run again with --replace to clear it first (its customers, ` +
      `events and journey executions), or import into another folder with --data <dir> ` +
      `(then RAPPORT_DATA_DIR=<dir> npm start)`
    );
  return undefined;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, what: string) => `${fmt(n)} ${what}${n === 1 ? '' : 's'}`;
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => `${k} ${fmt(n)}`)
    .join(', ');

/** The terminal summary: who was imported, in which stages and tiers, and what happens next. */
export function importSummary(
  r: ImportResult,
  run: { path: string; dataDir: string; asOf: Date; seconds: number },
): string {
  const others = r.events - r.purchases;
  return [
    `Imported ${plural(r.customers, 'customer')} and ${plural(r.purchases, 'purchase')}` +
      (others ? ` (and ${plural(others, 'profile update')})` : '') +
      ` from ${run.path} as of ${run.asOf.toISOString()}, in ${run.seconds.toFixed(1)} s ` +
      `(replay ${(r.ms.replay / 1000).toFixed(1)} s, ${fmt(r.itemsWritten)} profiles written in ${(r.ms.write / 1000).toFixed(1)} s).`,
    r.leftOut
      ? `Left out: ${plural(r.leftOut, 'event')} after the as-of time (${plural(r.purchasesLeftOut, 'purchase')}).`
      : 'Left out: nothing (no event after the as-of time).',
    `Stages: ${counts(r.stageCounts) || 'none'}`,
    `Tiers:  ${counts(r.tierCounts) || 'none'}`,
    'No journey was started and no message sent for the past. ' +
      `Due later: ${plural(r.due, 'customer')}` +
      (r.nextDue ? ` (the first at ${r.nextDue})` : '') +
      '; the sweep takes each when due, and journeys start from there.',
    `Data: ${run.dataDir}. Start Rapport on it: ${run.dataDir === localDataDir({}) ? '' : `RAPPORT_DATA_DIR=${run.dataDir} `}npm start`,
  ].join('\n');
}

/** Events replayed and items written, on stderr, redrawn in place; nothing when stderr is not a terminal. */
function progress() {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return ({ phase, count, at }: { phase: string; count: number; at?: string }) => {
    const now = performance.now();
    if (now - last < 250) return;
    last = now;
    const what =
      phase === 'replay'
        ? `replayed ${fmt(count)} events, to ${at?.slice(0, 10)}`
        : `wrote ${fmt(count)} profiles`;
    process.stderr.write(`\r${what}            `);
  };
}
