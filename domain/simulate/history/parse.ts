/**
 * A purchase history (CSV with a column mapping, or CDNOW's format) as a time-ordered stream of Rapport
 * events, validated as the API validates them. Every problem is collected (up to `maxProblems`, then
 * reading stops) and reported together, each with its file, line, column and the value given.
 *
 * Two ways to read, `order`:
 * - `sorted` (default): the file is in time order, give or take the mapping's `window` (2 days: a file
 *   sorted by date whose customers live in several time zones). Streams with a few days of lines in
 *   memory; a line later than that is a problem, and the problems end the stream where they are found
 *   (run `checkHistory` first to know before any event is used).
 * - `any`: any order; every line is held and sorted in memory (at most `maxRows`, 5,000,000 by default:
 *   about 1 GB), and no event is yielded before the whole file proved valid.
 */
import { durationSeconds } from '../../config/duration';
import { ValidationError, type Problem } from '../../errors';
import { canonicalTime, DEFAULT_EVENT_TIME_WINDOW, type EventTimeWindow } from '../../events/time';
import { placeColumns, type ColumnPlaces } from './columns';
import type { HistoryMapping } from './mapping';
import { historyRecords, type HistoryRecord, type HistoryText } from './records';
import { rowReader, type HistoryRow } from './rows';
import { HistoryTimeline, isProblem, type HistoryEvent } from './timeline';
import { inShard, type Shard } from '../shard';

export class HistoryValidationError extends ValidationError {
  override readonly name: string = 'HistoryValidationError';
}

export interface HistoryOptions {
  /** Names the file in problems, e.g. its path. */
  source: string;
  order?: 'sorted' | 'any';
  /** With `order: "any"`: the most lines held in memory. */
  maxRows?: number;
  /** Reading stops after this many problems. */
  maxProblems?: number;
  /** settings.yaml `events`; each line is checked as if posted at its own time. Default as ingest's. */
  eventTimes?: EventTimeWindow;
  /**
   * Only this part's customers (../shard.ts): every line is still read and checked, but only theirs are
   * kept, so a part read `any` holds its own lines only. Problems of an order's sum show in its part.
   */
  shard?: Shard;
}

export const DEFAULT_MAX_ROWS = 5_000_000;
export const DEFAULT_MAX_PROBLEMS = 100;

/** Problems collected up to a cap: past it, reading stops. */
class ProblemList {
  readonly items: Problem[] = [];
  constructor(readonly max: number) {}
  add(...problems: Problem[]): void {
    this.items.push(...problems);
  }
  get full(): boolean {
    return this.items.length >= this.max;
  }
  fail(source: string, stoppedAt?: number): HistoryValidationError {
    const listed = this.items.slice(0, this.max);
    if (stoppedAt !== undefined)
      listed.push({
        source,
        line: stoppedAt,
        field: '',
        expected: `fewer problems: reading stopped here after ${this.max}; fix these and read it again`,
      });
    return new HistoryValidationError(`Invalid purchase history ${source}`, listed);
  }
}

/** The purchase lines of a history, each checked; a line with problems is left out. */
async function* historyRows(
  text: HistoryText,
  mapping: HistoryMapping,
  options: HistoryOptions,
  problems: ProblemList,
): AsyncGenerator<HistoryRow> {
  const { source } = options;
  let read: ((r: HistoryRecord) => { row?: HistoryRow; problems: Problem[] }) | undefined;
  let others: (r: HistoryRecord) => boolean = () => false;
  const start = (header: readonly string[] | undefined): boolean => {
    const placed: { places: ColumnPlaces; problems: Problem[] } = placeColumns(mapping, header, source);
    problems.add(...placed.problems);
    others = otherPartsLines(mapping, placed.places, options.shard);
    read = rowReader(mapping, placed.places, {
      source,
      eventTimes: options.eventTimes ?? DEFAULT_EVENT_TIME_WINDOW,
    });
    return placed.problems.length === 0;
  };
  if (!mapping.header && !start(undefined)) return;
  for await (const record of historyRecords(text, mapping, source)) {
    if (problems.full) throw problems.fail(source, record.line);
    if ('problem' in record) {
      problems.add(record.problem);
      continue;
    }
    if (!read) {
      if (!start(record.cells)) return;
      continue;
    }
    if (others(record)) continue;
    const result = read(record);
    problems.add(...result.problems);
    if (result.row) yield result.row;
  }
}

/**
 * Whether a record is another part's customer's, told from its raw id before the line is read (reading
 * and checking a line costs most of a pass): a part read alone costs the file's splitting, not its
 * checking. A line without an id is read, to be reported.
 */
function otherPartsLines(mapping: HistoryMapping, places: ColumnPlaces, shard: Shard | undefined) {
  const place = places.customerId;
  if (!shard || !place) return () => false;
  return (record: HistoryRecord) => {
    const id = record.cells[place.index]?.trim();
    return !!id && !inShard(`${mapping.customerIdPrefix}${id}`, shard);
  };
}

/** The events of a history in time order; throws HistoryValidationError listing every problem found. */
export async function* parseHistory(
  text: HistoryText,
  mapping: HistoryMapping,
  options: HistoryOptions,
): AsyncGenerator<HistoryEvent> {
  const problems = new ProblemList(options.maxProblems ?? DEFAULT_MAX_PROBLEMS);
  const inMemory = options.order === 'any';
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const timeline = new HistoryTimeline({
    source: options.source,
    windowMs: inMemory ? Infinity : durationSeconds(mapping.window) * 1000,
    eventTimes: options.eventTimes ?? DEFAULT_EVENT_TIME_WINDOW,
  });
  // Events are yielded only while no problem is known: once one is, the rest is only checked.
  const flush = function* (atEnd: boolean) {
    for (const out of timeline.ready(atEnd))
      if (isProblem(out)) problems.add(out);
      else if (problems.items.length === 0) yield out;
  };
  let rows = 0;
  for await (const row of historyRows(text, mapping, options, problems)) {
    if (options.shard && !inShard(row.customerId, options.shard)) continue;
    if (inMemory && ++rows > maxRows) {
      problems.add({
        source: options.source,
        line: row.line,
        field: '',
        expected: `at most ${maxRows} lines to sort in memory: sort the file by time and read it with order: "sorted"`,
      });
      throw problems.fail(options.source);
    }
    const late = timeline.add(row);
    if (late) problems.add(late);
    if (!inMemory) yield* flush(false);
  }
  if (problems.items.length) throw problems.fail(options.source);
  yield* flush(true);
  if (problems.items.length) throw problems.fail(options.source);
}

/** What a first pass over a history finds: enough to choose how to read it, and to show progress. */
export interface HistorySummary {
  lines: number;
  customers: number;
  /** The first and last purchase times (canonical UTC), when there is any line. */
  from?: string;
  to?: string;
  /** Whether the file is in time order within the mapping's window: it can then be read `sorted`. */
  inTimeOrder: boolean;
  problems: Problem[];
}

/**
 * Reads a history once without keeping its lines: every line's problems, and whether it is in time
 * order. Problems only an order's sum can have (and lines of one order further apart than the window)
 * show when it is read with `parseHistory`. Memory: one id per customer.
 */
export async function checkHistory(
  text: HistoryText,
  mapping: HistoryMapping,
  options: HistoryOptions,
): Promise<HistorySummary> {
  const problems = new ProblemList(options.maxProblems ?? DEFAULT_MAX_PROBLEMS);
  const windowMs = durationSeconds(mapping.window) * 1000;
  const customers = new Set<string>();
  let lines = 0;
  let from = Infinity;
  let to = -Infinity;
  let inTimeOrder = true;
  try {
    for await (const row of historyRows(text, mapping, options, problems)) {
      lines++;
      customers.add(row.customerId);
      if (row.at < to - windowMs) inTimeOrder = false;
      from = Math.min(from, row.at);
      to = Math.max(to, row.at);
    }
  } catch (error) {
    if (!(error instanceof HistoryValidationError)) throw error;
    return { lines, customers: customers.size, inTimeOrder, problems: [...error.problems] };
  }
  return {
    lines,
    customers: customers.size,
    ...(lines ? { from: canonicalTime(new Date(from)), to: canonicalTime(new Date(to)) } : {}),
    inTimeOrder,
    problems: problems.items,
  };
}
