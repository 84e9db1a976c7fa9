import type { Cell } from './figures';

// A fixed locale: a report must read the same on every machine it is rendered on.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dollars = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });

export const formatCount = (n: number) => integer.format(n);

/** Small amounts keep four decimals: a simulated population of a few hundred costs fractions of a cent. */
export const formatUsd = (n: number) => `$${(Math.abs(n) < 1 && n !== 0 ? cents : dollars).format(n)}`;

export const formatRate = (r: number) => `${(r * 100).toFixed(1)}%`;

export function formatCell(c: Cell | undefined): string {
  if (c === undefined) return '—';
  switch (c.kind) {
    case 'count':
      return formatCount(c.value);
    case 'usd':
      return formatUsd(c.value);
    case 'rate':
      return formatRate(c.value);
    case 'text':
      return c.value;
  }
}

export interface Difference {
  text: string;
  changed: boolean;
}

/** `s` is the formatted magnitude of `n`. */
const signed = (n: number, s: string) => `${n > 0 ? '+' : n < 0 ? '-' : ''}${s}`;

function numericDifference(a: Cell, b: Cell): Difference {
  if (a.kind === 'text' || b.kind === 'text') return { text: '', changed: false };
  const d = b.value - a.value;
  const text =
    a.kind === 'count'
      ? signed(d, formatCount(Math.abs(d)))
      : a.kind === 'usd'
        ? signed(d, formatUsd(Math.abs(d)))
        : `${signed(d, (Math.abs(d) * 100).toFixed(1))} pp`;
  return { text, changed: true };
}

/**
 * What changed from `a` to `b`, judged on what a reader sees: a difference that rounds away in the printed
 * figures is not a change worth flagging.
 */
export function difference(a: Cell | undefined, b: Cell | undefined): Difference {
  if (a === undefined && b === undefined) return { text: '', changed: false };
  if (a === undefined) return { text: 'new', changed: true };
  if (b === undefined) return { text: 'gone', changed: true };
  if (formatCell(a) === formatCell(b)) return { text: '', changed: false };
  if (a.kind === 'text' || b.kind === 'text' || a.kind !== b.kind) return { text: 'changed', changed: true };
  return numericDifference(a, b);
}
