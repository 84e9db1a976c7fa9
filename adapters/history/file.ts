/**
 * A purchase-history file as Rapport events: read twice as a stream, first to check every line and learn
 * whether it is in time order, then to yield its events (streamed when it is in time order, sorted in
 * memory when it is not). Nothing is yielded from a file with a problem. A part of the population
 * (`eventsOf(shard)`) is read again from the file, keeping that part's customers only.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  HISTORY_PRESETS,
  parseHistoryMapping,
  type HistoryMapping,
} from '../../domain/simulate/history/mapping';
import {
  checkHistory,
  HistoryValidationError,
  parseHistory,
  type HistoryOptions,
  type HistorySummary,
} from '../../domain/simulate/history/parse';
import type { HistoryEvent } from '../../domain/simulate/history/timeline';
import type { Shard } from '../../domain/simulate/shard';
import type { PopulationModelInput } from '../../domain/simulate/population/model';
import { parsePopulationModel } from '../../domain/simulate/population/own-events';

export interface HistoryFile {
  summary: HistorySummary;
  /** Every event, or one part's of the population (domain/simulate/shard.ts): the file read again. */
  eventsOf(shard?: Shard): AsyncIterable<HistoryEvent>;
}

export type HistoryFileOptions = Omit<HistoryOptions, 'source' | 'order'>;

export async function readHistoryFile(
  path: string,
  mapping: HistoryMapping,
  options: HistoryFileOptions = {},
): Promise<HistoryFile> {
  const text = () => createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>;
  const summary = await checkHistory(text(), mapping, { ...options, source: path });
  if (summary.problems.length)
    throw new HistoryValidationError(`Invalid purchase history ${path}`, summary.problems);
  const order = summary.inTimeOrder ? 'sorted' : 'any';
  const eventsOf = (shard?: Shard) =>
    parseHistory(text(), mapping, { ...options, source: path, order, ...(shard ? { shard } : {}) });
  return { summary, eventsOf };
}

/** A preset's mapping (`--format cdnow`), or the one a YAML or JSON file holds (`--mapping`), checked. */
export function historyMapping(given: {
  format?: string | undefined;
  mapping?: string | undefined;
}): HistoryMapping {
  if (given.format !== undefined) return HISTORY_PRESETS[given.format as keyof typeof HISTORY_PRESETS];
  const file = given.mapping!;
  return parseHistoryMapping(parseYaml(readFileSync(file, 'utf8')) as unknown, file);
}

/** A population model file (YAML or JSON) for `rapport simulate --generate --model`. */
export function readPopulationModel(file: string): PopulationModelInput {
  return parsePopulationModel(parseYaml(readFileSync(file, 'utf8')) as unknown, file);
}
