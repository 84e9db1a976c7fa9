/**
 * A history's text as records (lists of cells) with their line numbers: CSV through csv-parse (quotes,
 * delimiters and line ends as RFC 4180 has them), or columns split on runs of blanks (CDNOW). Streaming:
 * the text comes in chunks of any size and only the record being read is held.
 */
import { parse } from 'csv-parse';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { Problem } from '../../errors';
import type { HistoryMapping } from './mapping';

export interface HistoryRecord {
  /** The line of the file the record ends on (1 is the first line). */
  line: number;
  cells: string[];
}

/** A line the CSV reader could not read (a stray quote): a problem, and the reader goes on. */
export interface UnreadableRecord {
  line: number;
  problem: Problem;
}

interface CsvError {
  message?: string;
  lines?: number;
}

/** Text chunks, in order; lines keep their line ends (a file read as a stream gives exactly that). */
export type HistoryText = AsyncIterable<string> | Iterable<string>;

export function historyRecords(
  text: HistoryText,
  mapping: Pick<HistoryMapping, 'format' | 'delimiter'>,
  source: string,
): AsyncGenerator<HistoryRecord | UnreadableRecord> {
  return mapping.format === 'whitespace' ? blankSeparated(text) : csvRecords(text, mapping.delimiter, source);
}

/** Columns split on runs of blanks: no quoting, so each line is a record (csv-parse is 15 times slower). */
async function* blankSeparated(text: HistoryText): AsyncGenerator<HistoryRecord> {
  let line = 0;
  for await (const content of createInterface({ input: Readable.from(text), crlfDelay: Infinity })) {
    line++;
    const trimmed = (line === 1 ? content.replace(/^\uFEFF/, '') : content).trim();
    if (trimmed !== '') yield { line, cells: trimmed.split(/[ \t]+/) };
  }
}

async function* csvRecords(
  text: HistoryText,
  delimiter: string,
  source: string,
): AsyncGenerator<HistoryRecord | UnreadableRecord> {
  const skipped: UnreadableRecord[] = [];
  const parser = Readable.from(text).pipe(
    parse({
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        const line = error?.lines ?? 0;
        skipped.push({
          line,
          problem: {
            source,
            line,
            field: '',
            value: error?.message,
            expected:
              'a CSV line: a cell holding the delimiter, a quote or a line break is quoted as a whole, a quote in it doubled ("")',
          },
        });
      },
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    while (skipped.length) yield skipped.shift()!;
    if (record.every((c) => c.trim() === '')) continue;
    yield { line: info.lines, cells: record };
  }
  while (skipped.length) yield skipped.shift()!;
}
