import { escapeHtml as esc } from '../../functions/shared/http';

/**
 * Hand-drawn SVG charts for the HTML report: the file must open offline, so no charting script is loaded.
 * Every mark has the class `mark` (the browser test finds them by it); every chart has a title and a text
 * description for screen readers, and the report puts a table of the same figures beside it.
 */

// Tableau 10: distinct hues that stay apart for the common colour-vision deficiencies.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'];
export const colorOf = (i: number) => PALETTE[i % PALETTE.length] ?? '#999';

export interface Series {
  name: string;
  values: number[];
  color: string;
}

export interface ChartText {
  /** Unique in the document: it names the title and description elements. */
  id: string;
  title: string;
  description: string;
}

const W = 640;
const H = 260;
const M = { top: 12, right: 16, bottom: 28, left: 56 };
const fmt = (n: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(n);

/** Round axis ticks (1, 2 or 5 × 10ⁿ) from 0 up to at least `max`. */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const out: number[] = [];
  for (let t = 0; t < max + step; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function svg(text: ChartText, height: number, body: string): string {
  return (
    `<svg class="chart" role="img" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" ` +
    `aria-labelledby="${text.id}-title ${text.id}-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${text.id}-title">${esc(text.title)}</title><desc id="${text.id}-desc">${esc(text.description)}</desc>` +
    `${body}</svg>`
  );
}

function yAxis(top: number, max: number, y: (v: number) => number): string {
  return ticks(top)
    .filter((t) => t <= max)
    .map(
      (t) =>
        `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}"/>` +
        `<text class="tick" x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`,
    )
    .join('');
}

/** Labels under a time axis, thinned so that they do not overlap. */
function xLabels(labels: string[], x: (i: number) => number): string {
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return labels
    .map((l, i) =>
      i % every === 0
        ? `<text class="tick" x="${x(i)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(l)}</text>`
        : '',
    )
    .join('');
}

function verticalScale(series: Series[], n: number, yMax?: number) {
  const totals = Array.from({ length: n }, (_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const top = ticks(Math.max(yMax ?? 0, ...totals)).at(-1) ?? 1;
  const y = (v: number) => Number((H - M.bottom - ((H - M.top - M.bottom) * v) / top).toFixed(2));
  return { top, y };
}

/** Series stacked on one another over time, as filled areas (stage populations per week). */
export function stackedArea(text: ChartText, labels: string[], series: Series[], yMax?: number): string {
  const n = labels.length;
  const { top, y } = verticalScale(series, n, yMax);
  const span = W - M.left - M.right;
  // A single week still gets a visible band: its point is drawn across the whole width.
  const x = (i: number) => Number((M.left + (n > 1 ? (span * i) / (n - 1) : span / 2)).toFixed(2));
  const xs = n > 1 ? labels.map((_, i) => x(i)) : [M.left, W - M.right];
  const base = new Array<number>(n).fill(0);
  const areas = series.map((s) => {
    const lower = [...base];
    s.values.forEach((v, i) => (base[i] = (base[i] ?? 0) + v));
    const at = (vals: number[], i: number) => vals[n > 1 ? i : 0] ?? 0;
    const upperPts = xs.map((px, i) => `${px},${y(at(base, i))}`);
    const lowerPts = xs.map((px, i) => `${px},${y(at(lower, i))}`).reverse();
    return `<path class="mark" fill="${s.color}" d="M${upperPts.join('L')}L${lowerPts.join('L')}Z"><title>${esc(s.name)}</title></path>`;
  });
  return svg(text, H, yAxis(top, top, y) + areas.join('') + xLabels(labels, x));
}

/** Series stacked in one bar per period (messages per journey and channel per week). */
export function stackedBars(text: ChartText, labels: string[], series: Series[], yMax?: number): string {
  const n = Math.max(1, labels.length);
  const { top, y } = verticalScale(series, n, yMax);
  const band = (W - M.left - M.right) / n;
  const x = (i: number) => Number((M.left + band * (i + 0.5)).toFixed(2));
  const width = Number((band * 0.7).toFixed(2));
  const bars = labels.map((label, i) => {
    let sum = 0;
    return series
      .filter((s) => (s.values[i] ?? 0) > 0)
      .map((s) => {
        const v = s.values[i] ?? 0;
        const y1 = y(sum + v);
        const h = Number((y(sum) - y1).toFixed(2));
        sum += v;
        return `<rect class="mark" x="${x(i) - width / 2}" y="${y1}" width="${width}" height="${h}" fill="${s.color}"><title>${esc(`${label}, ${s.name}: ${fmt(v)}`)}</title></rect>`;
      })
      .join('');
  });
  return svg(text, H, yAxis(top, top, y) + bars.join('') + xLabels(labels, x));
}

export interface BarGroup {
  label: string;
  bars: { name: string; value: number; color: string }[];
}

const ROW = 18;
const LABEL_W = 200;

/** Horizontal bars, in groups of one or more (a funnel's steps, skip reasons, cost by service). */
export function horizontalBars(
  text: ChartText,
  groups: BarGroup[],
  format: (v: number) => string = fmt,
  xMax?: number,
): string {
  const max = Math.max(xMax ?? 0, ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  const span = W - LABEL_W - 80;
  const len = (v: number) => (max > 0 ? Number(((span * v) / max).toFixed(2)) : 0);
  let yPos = M.top;
  const rows = groups.map((g) => {
    const groupTop = yPos;
    const bars = g.bars.map((b) => {
      const y0 = yPos;
      yPos += ROW;
      return (
        `<rect class="mark" x="${LABEL_W}" y="${y0 + 2}" width="${len(b.value)}" height="${ROW - 4}" fill="${b.color}"><title>${esc(`${g.label}, ${b.name}: ${format(b.value)}`)}</title></rect>` +
        `<text class="value" x="${LABEL_W + len(b.value) + 4}" y="${y0 + ROW - 5}">${esc(format(b.value))}</text>`
      );
    });
    yPos += 6;
    const mid = groupTop + (g.bars.length * ROW) / 2 + 4;
    return `<text class="label" x="${LABEL_W - 8}" y="${mid}" text-anchor="end">${esc(g.label)}</text>${bars.join('')}`;
  });
  return svg(text, yPos + M.top, rows.join(''));
}

export interface Interval {
  label: string;
  estimate: number;
  low: number;
  high: number;
  color: string;
}

/** Point estimates with their interval as error bars around a zero line (lift against the holdout). */
export function errorBars(text: ChartText, rows: Interval[], format: (v: number) => string): string {
  const lo = Math.min(0, ...rows.map((r) => r.low));
  const hi = Math.max(0, ...rows.map((r) => r.high));
  const pad = (hi - lo || 1) * 0.08;
  const span = W - LABEL_W - 40;
  const x = (v: number) => Number((LABEL_W + (span * (v - lo + pad)) / (hi - lo + 2 * pad)).toFixed(2));
  const rowH = 32;
  const height = M.top * 2 + rows.length * rowH + 20;
  const marks = rows.map((r, i) => {
    const cy = M.top + i * rowH + rowH / 2;
    const whisker = `M${x(r.low)},${cy - 6}V${cy + 6}M${x(r.low)},${cy}H${x(r.high)}M${x(r.high)},${cy - 6}V${cy + 6}`;
    return (
      `<text class="label" x="${LABEL_W - 8}" y="${cy + 4}" text-anchor="end">${esc(r.label)}</text>` +
      `<path class="mark whisker" d="${whisker}" stroke="${r.color}" stroke-width="2" fill="none"><title>${esc(`${r.label}: ${format(r.estimate)} (95% interval ${format(r.low)} to ${format(r.high)})`)}</title></path>` +
      `<rect class="mark" x="${x(r.estimate) - 5}" y="${cy - 5}" width="10" height="10" fill="${r.color}"/>`
    );
  });
  const axisY = height - M.top - 6;
  const zero =
    `<line class="zero" x1="${x(0)}" x2="${x(0)}" y1="${M.top}" y2="${axisY - 10}"/>` +
    [lo, 0, hi]
      .map((v) => `<text class="tick" x="${x(v)}" y="${axisY}" text-anchor="middle">${esc(format(v))}</text>`)
      .join('');
  return svg(text, height, zero + marks.join(''));
}
