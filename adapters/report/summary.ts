import type { SimulationResult } from '../../domain/simulate/result';
import { figures, pairFigures, type Cell, type PairedSection, type Section } from './figures';
import { difference, formatCell } from './format';

/** Columns of text, the first left-aligned (labels), the others right-aligned (figures), two spaces apart. */
function table(lines: string[][], indent: string): string[] {
  const widths: number[] = [];
  for (const line of lines) line.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  const pad = (c: string, i: number) => {
    const room = ' '.repeat((widths[i] ?? 0) - [...c].length);
    return i === 0 ? c + room : room + c;
  };
  return lines.map((line) => `${indent}${line.map(pad).join('  ')}`.trimEnd());
}

function single(section: Section): string[] {
  const head = ['', ...section.columns];
  const rows = section.rows.map((r) => [r.label, ...r.cells.map(formatCell)]);
  const hasHead = section.columns.some((c) => c !== '');
  return [section.title, ...table(hasHead ? [head, ...rows] : rows, '  ')];
}

/**
 * A section of many columns would be three times as wide side by side: give each figure its own row
 * (`label · column`) instead, leaving out figures that neither version has.
 */
function narrow(section: PairedSection): PairedSection {
  if (section.columns.length <= 2) return section;
  const blank = (c: Cell | undefined) => c === undefined || (c.kind === 'text' && c.value === '');
  const rows = section.rows.flatMap((r) => {
    const figures = section.columns
      .map((column, i) => ({ column, a: r.a?.[i], b: r.b?.[i] }))
      .filter((f) => !(blank(f.a) && blank(f.b)));
    // A row with one figure (an experiment's verdict) needs no column name.
    return figures.map((f) => ({
      label: figures.length === 1 ? r.label : `${r.label} · ${f.column}`,
      a: r.a && f.a && [f.a],
      b: r.b && f.b && [f.b],
    }));
  });
  return { title: section.title, columns: [''], rows };
}

function paired(section: PairedSection): string[] {
  const head = ['', ...section.columns.flatMap((c) => (c ? [`${c} A`, `${c} B`, 'Δ'] : ['A', 'B', 'Δ']))];
  const marks: string[] = [];
  const rows = section.rows.map((r) => {
    let changed = false;
    const cells = section.columns.flatMap((_, i) => {
      const a = r.a?.[i];
      const b = r.b?.[i];
      const d = difference(a, b);
      changed ||= d.changed;
      return [r.a ? formatCell(a) : '—', r.b ? formatCell(b) : '—', d.text];
    });
    marks.push(changed ? '* ' : '  ');
    return [r.label, ...cells];
  });
  const [headLine, ...body] = table([head, ...rows], '');
  return [section.title, `  ${headLine ?? ''}`, ...body.map((line, i) => `${marks[i] ?? '  '}${line}`)];
}

function period(r: SimulationResult): string {
  const day = (iso: string) => iso.slice(0, 10);
  return `${day(r.period.from)} → ${day(r.period.to)} (${r.weeks.length} weeks)`;
}

/**
 * The terminal summary of a simulation: plain text in aligned columns. Given `compare`, every figure is
 * shown for both (A = `result`, B = `compare`) with the difference, and rows that changed are marked `*`.
 */
export function renderSummary(result: SimulationResult, compare?: SimulationResult): string {
  const out: string[] = [];
  if (compare === undefined) {
    out.push(`Simulation: ${result.label}`, `Period: ${period(result)}`);
    for (const s of figures(result)) out.push('', ...single(s));
  } else {
    out.push(
      `A: ${result.label}, ${period(result)}`,
      `B: ${compare.label}, ${period(compare)}`,
      'Rows marked * differ between A and B; Δ is B − A.',
    );
    for (const s of pairFigures(figures(result), figures(compare))) out.push('', ...paired(narrow(s)));
  }
  return `${out.join('\n')}\n`;
}
