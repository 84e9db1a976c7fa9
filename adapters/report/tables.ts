import { escapeHtml as esc } from '../../functions/shared/http';
import type { PairedSection, Section } from './figures';
import { difference, formatCell } from './format';

/** The figures behind one chart, shown as a table beside it (and compared cell by cell with the other version). */
export interface Matrix {
  caption: string;
  /** The heading of the row labels' column. */
  rowHeading: string;
  columns: string[];
  rows: { label: string; values: (number | undefined)[] }[];
  /** How each column's values are printed (the last one applies to any column beyond). */
  formats: ((v: number) => string)[];
}

function lookup(m: Matrix | undefined, row: string, column: string): number | undefined {
  if (m === undefined) return undefined;
  const c = m.columns.indexOf(column);
  return c < 0 ? undefined : m.rows.find((r) => r.label === row)?.values[c];
}

/**
 * A table of the matrix; given the other version's matrix, cells whose printed value differs are marked
 * (class `changed`, with the other version's value in their title) so that the eye finds the edit's effect.
 */
export function matrixTable(m: Matrix, other?: Matrix, otherName = 'the other version'): string {
  const format = (i: number, v: number | undefined) =>
    v === undefined ? '—' : (m.formats[Math.min(i, m.formats.length - 1)] ?? String)(v);
  const head = `<tr><th scope="col">${esc(m.rowHeading)}</th>${m.columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr>`;
  const body = m.rows.map((r) => {
    const cells = m.columns.map((c, i) => {
      const mine = format(i, r.values[i]);
      const theirs = other && format(i, lookup(other, r.label, c));
      const changed = theirs !== undefined && theirs !== mine;
      return changed
        ? `<td class="changed" title="${esc(`${otherName}: ${theirs}`)}">${esc(mine)}</td>`
        : `<td>${esc(mine)}</td>`;
    });
    return `<tr><th scope="row">${esc(r.label)}</th>${cells.join('')}</tr>`;
  });
  return `<table><caption>${esc(m.caption)}</caption><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

/** The key figures of one simulation, one table per section. */
export function figuresTables(sections: Section[]): string {
  return sections
    .map((s) => {
      const head = s.columns.some((c) => c)
        ? `<thead><tr><th scope="col"></th>${s.columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead>`
        : '';
      const rows = s.rows.map(
        (r) =>
          `<tr><th scope="row">${esc(r.label)}</th>${r.cells.map((c) => `<td>${esc(formatCell(c))}</td>`).join('')}</tr>`,
      );
      return `<table><caption>${esc(s.title)}</caption>${head}<tbody>${rows.join('')}</tbody></table>`;
    })
    .join('');
}

/**
 * The key figures of two simulations side by side with the difference; changed rows are highlighted, and
 * with `onlyChanged` the unchanged rows are left out (the "what changed" summary at the top of the report).
 */
export function pairedTables(sections: PairedSection[], onlyChanged: boolean): string {
  return sections
    .map((s) => {
      const rows = s.rows.flatMap((r) => {
        const diffs = s.columns.map((_, i) => difference(r.a?.[i], r.b?.[i]));
        const changed = diffs.some((d) => d.changed);
        if (onlyChanged && !changed) return [];
        const cells = s.columns.flatMap((_, i) => [
          `<td>${esc(r.a ? formatCell(r.a[i]) : '—')}</td>`,
          `<td>${esc(r.b ? formatCell(r.b[i]) : '—')}</td>`,
          `<td class="diff">${esc(diffs[i]?.text ?? '')}</td>`,
        ]);
        return [
          `<tr${changed ? ' class="changed"' : ''}><th scope="row">${esc(r.label)}</th>${cells.join('')}</tr>`,
        ];
      });
      if (rows.length === 0) return '';
      const head = s.columns
        .flatMap((c) => [`${c} A`.trim(), `${c} B`.trim(), 'Δ'])
        .map((c) => `<th scope="col">${esc(c)}</th>`)
        .join('');
      return `<table><caption>${esc(s.title)}</caption><thead><tr><th scope="col"></th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
    })
    .join('');
}
