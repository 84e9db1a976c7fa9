/** Where each mapped column stands in a history's records, checked against its header line. */
import type { Problem } from '../../errors';
import { COLUMN_FIELDS, type HistoryMapping, type MappedColumn } from './mapping';

export interface ColumnPlace {
  /** 0-based position in a record. */
  index: number;
  /** How a person names it: its header, or "column 3". */
  name: string;
}

export type ColumnPlaces = Partial<Record<MappedColumn, ColumnPlace>>;

/** The place of every mapped column, or the problems that make the mapping unusable with this file. */
export function placeColumns(
  mapping: HistoryMapping,
  header: readonly string[] | undefined,
  source: string,
): { places: ColumnPlaces; problems: Problem[] } {
  const places: ColumnPlaces = {};
  const problems: Problem[] = [];
  const names = header?.map((h) => h.trim());
  for (const key of Object.keys(COLUMN_FIELDS) as MappedColumn[]) {
    const ref = mapping.columns[key];
    if (ref === undefined) continue;
    if (typeof ref === 'number') {
      places[key] = { index: ref - 1, name: names?.[ref - 1] || `column ${ref}` };
      continue;
    }
    const index = names?.indexOf(ref.trim()) ?? -1;
    if (index >= 0) {
      places[key] = { index, name: ref.trim() };
      continue;
    }
    problems.push({
      source,
      line: names ? 1 : undefined,
      field: `columns.${key}`,
      value: ref,
      expected: names
        ? `a column of the header line: ${names.map((n) => JSON.stringify(n)).join(', ')}`
        : 'a column position (1 is the first column): the file has no header line (header: false)',
    });
  }
  return { places, problems };
}
