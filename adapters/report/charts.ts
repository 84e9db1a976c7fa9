import type { JourneySummary, SimulationResult } from '../../domain/simulate/result';
import { liftText } from './figures';
import { formatCount, formatRate, formatUsd } from './format';
import { colorOf, errorBars, horizontalBars, stackedArea, stackedBars, type Series } from './svg';
import type { Matrix } from './tables';

/** One chart of one version: its SVG, the figures behind it, and the legend of its colours. */
export interface Chart {
  svg: string;
  matrix: Matrix;
  legend: { name: string; color: string }[];
}

/** Scales shared by both versions in a comparison, so that equal heights mean equal figures. */
export interface Scales {
  stages: number;
  messages: number;
  /** Every series name of both versions, in order: a stage or journey keeps its colour on both sides. */
  stageNames: string[];
  messageNames: string[];
}

const count = [formatCount];
const day = (iso: string) => iso.slice(0, 10);
const unique = (xs: string[]) => [...new Set(xs)];
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function weekly(
  r: SimulationResult,
  names: string[],
  value: (w: number, name: string) => number,
  palette: string[] = names,
): Series[] {
  return names.map((name) => ({
    name,
    color: colorOf(palette.indexOf(name)),
    values: r.weeks.map((_, w) => value(w, name)),
  }));
}

function weeklyMatrix(r: SimulationResult, caption: string, series: Series[]): Matrix {
  return {
    caption,
    rowHeading: 'week of',
    columns: series.map((s) => s.name),
    rows: r.weeks.map((w, i) => ({ label: day(w.weekStart), values: series.map((s) => s.values[i]) })),
    formats: count,
  };
}

export const stageNames = (r: SimulationResult) =>
  unique([...r.weeks.flatMap((w) => Object.keys(w.stages)), ...Object.keys(r.finalStages)]);

export function stagesChart(r: SimulationResult, id: string, scales?: Scales): Chart {
  const names = stageNames(r);
  const series = weekly(r, names, (w, n) => r.weeks[w]?.stages[n] ?? 0, scales?.stageNames);
  const last = r.weeks.at(-1);
  const description =
    `Customers per lifecycle stage at the end of each of ${r.weeks.length} weeks. At the end: ` +
    names.map((n) => `${n} ${formatCount(last?.stages[n] ?? 0)}`).join(', ') +
    '.';
  return {
    svg: stackedArea(
      { id, title: 'Customers per stage, by week', description },
      labelsOf(r),
      series,
      scales?.stages,
    ),
    matrix: weeklyMatrix(r, 'Customers per stage at the end of each week', series),
    legend: series,
  };
}

const labelsOf = (r: SimulationResult) => r.weeks.map((w) => day(w.weekStart).slice(5));

/** `journey · channel` for every pair that sent in some week, with the pair it names. */
function messagePairs(r: SimulationResult): Map<string, [string, string]> {
  const pairs = new Map<string, [string, string]>();
  for (const w of r.weeks)
    for (const [journey, byChannel] of Object.entries(w.messages))
      for (const channel of Object.keys(byChannel)) pairs.set(`${journey} · ${channel}`, [journey, channel]);
  return pairs;
}

export const messageSeriesNames = (r: SimulationResult) => [...messagePairs(r).keys()];

export function messagesChart(r: SimulationResult, id: string, scales?: Scales): Chart {
  const pairs = messagePairs(r);
  const series = weekly(
    r,
    [...pairs.keys()],
    (w, name) => {
      const [journey = '', channel = ''] = pairs.get(name) ?? [];
      return r.weeks[w]?.messages[journey]?.[channel] ?? 0;
    },
    scales?.messageNames,
  );
  const description =
    `Messages sent each week, by journey and channel, over ${r.weeks.length} weeks. In total: ` +
    series.map((s) => `${s.name} ${formatCount(sum(s.values))}`).join(', ') +
    '.';
  return {
    svg: stackedBars(
      { id, title: 'Messages per journey and channel, by week', description },
      labelsOf(r),
      series,
      scales?.messages,
    ),
    matrix: weeklyMatrix(r, 'Messages sent per week, by journey and channel', series),
    legend: series,
  };
}

const skippedOf = (s: JourneySummary['funnel'][number]) => sum(Object.values(s.skipped ?? {}));
const FUNNEL = [
  { name: 'entered', color: colorOf(0) },
  { name: 'sent', color: colorOf(4) },
  { name: 'skipped', color: colorOf(2) },
];

export function funnelChart(j: JourneySummary, id: string): Chart {
  const groups = j.funnel.map((s) => ({
    label: `${s.stepId} (${s.type})`,
    bars: [
      { ...FUNNEL[0]!, value: s.entered },
      ...(s.sent !== undefined ? [{ ...FUNNEL[1]!, value: s.sent }] : []),
      ...(s.skipped !== undefined ? [{ ...FUNNEL[2]!, value: skippedOf(s) }] : []),
    ],
  }));
  const description =
    `Journey ${j.journeyId}: ${formatCount(j.started)} started, ${formatCount(j.conversions)} conversions attributed to it of ${formatCount(j.goalReached)} that reached the goal. ` +
    j.funnel
      .map(
        (s) =>
          `${s.stepId}: ${s.entered} entered${s.sent !== undefined ? `, ${s.sent} sent, ${skippedOf(s)} skipped` : ''}`,
      )
      .join('; ') +
    '.';
  return {
    svg: horizontalBars({ id, title: `Funnel of ${j.journeyId}`, description }, groups, formatCount),
    matrix: {
      caption: `Executions per step of ${j.journeyId}`,
      rowHeading: 'step',
      columns: ['entered', 'sent', 'skipped'],
      rows: j.funnel.map((s) => ({
        label: `${s.stepId} (${s.type})`,
        values: [s.entered, s.sent, s.skipped && skippedOf(s)],
      })),
      formats: count,
    },
    legend: FUNNEL,
  };
}

export function skipsChart(r: SimulationResult, id: string): Chart {
  const entries = Object.entries(r.skipped).sort((a, b) => b[1] - a[1]);
  const color = colorOf(2);
  const description =
    entries.length === 0
      ? 'No message was skipped.'
      : `Messages skipped, by reason: ${entries.map(([k, v]) => `${k} ${formatCount(v)}`).join(', ')}.`;
  return {
    svg: horizontalBars(
      { id, title: 'Skipped messages by reason', description },
      entries.map(([label, value]) => ({ label, bars: [{ name: 'skipped', value, color }] })),
      formatCount,
    ),
    matrix: {
      caption: 'Messages skipped, by reason',
      rowHeading: 'reason',
      columns: ['skipped'],
      rows: entries.map(([label, v]) => ({ label, values: [v] })),
      formats: count,
    },
    legend: [],
  };
}

export function costChart(r: SimulationResult, id: string): Chart {
  const byService = new Map<string, { month: number; million: number }>();
  for (const l of r.cost.lines) {
    const s = byService.get(l.service) ?? { month: 0, million: 0 };
    byService.set(l.service, {
      month: s.month + l.usdPerMonth,
      million: s.million + l.usdPerMonthPerMillionCustomers,
    });
  }
  const services = [...byService].sort((a, b) => b[1].month - a[1].month);
  const color = colorOf(0);
  const description =
    `Forecast AWS cost per month for the ${formatCount(r.customers)} simulated customers, by service ` +
    `(prices of ${r.cost.pricesAsOf}, ${r.cost.region}): ` +
    services.map(([s, c]) => `${s} ${formatUsd(c.month)}`).join(', ') +
    `. Total ${formatUsd(r.cost.totalUsdPerMonth)}; ${formatUsd(r.cost.infraUsdPerMonthPerMillionCustomers)} ` +
    'per 1 million customers without SES and SMS.';
  return {
    svg: horizontalBars(
      { id, title: 'Monthly AWS cost by service', description },
      services.map(([label, c]) => ({ label, bars: [{ name: 'per month', value: c.month, color }] })),
      formatUsd,
    ),
    matrix: {
      caption: 'Forecast cost per month, by service (USD)',
      rowHeading: 'service',
      columns: ['simulated population', 'per 1M customers'],
      rows: [
        ...services.map(([label, c]) => ({ label, values: [c.month, c.million] })),
        { label: 'total', values: [r.cost.totalUsdPerMonth, r.cost.totalUsdPerMonthPerMillionCustomers] },
        {
          label: 'total without SES and SMS',
          values: [r.cost.infraUsdPerMonth, r.cost.infraUsdPerMonthPerMillionCustomers],
        },
      ],
      formats: [formatUsd],
    },
    legend: [],
  };
}

const armLabel = (a: { arm: string; holdout: boolean }) =>
  a.holdout && a.arm !== 'holdout' ? `${a.arm} (holdout)` : a.arm;

export function experimentChart(e: SimulationResult['experiments'][number], id: string): Chart {
  const name = `${e.journeyId}/${e.stepId}`;
  const rates = horizontalBars(
    {
      id: `${id}-rate`,
      title: `Conversion rate per arm of ${name}`,
      description: `Conversion rate per arm: ${e.arms.map((a) => `${a.arm} ${formatRate(a.rate)} of ${formatCount(a.customers)}`).join(', ')}.`,
    },
    e.arms.map((a, i) => ({
      label: armLabel(a),
      bars: [{ name: 'conversion rate', value: a.rate, color: a.holdout ? '#9c9c9c' : colorOf(i) }],
    })),
    formatRate,
  );
  const withLift = e.arms.flatMap((a, i) => (a.lift ? [{ label: a.arm, color: colorOf(i), ...a.lift }] : []));
  const pp = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pp`;
  const lift = errorBars(
    {
      id: `${id}-lift`,
      title: `Lift per arm of ${name}, with 95% intervals`,
      description: `Lift in conversion rate against the holdout: ${e.arms
        .flatMap((a) => (a.lift ? [`${a.arm} ${liftText(a.lift)}`] : []))
        .join(', ')}. Verdict: ${e.verdict}.`,
    },
    withLift,
    pp,
  );
  const matrix: Matrix = {
    caption: `Conversions per arm of ${name}; verdict: ${e.verdict}`,
    rowHeading: 'arm',
    columns: ['customers', 'conversions', 'rate', 'lift', 'low (95%)', 'high (95%)'],
    rows: e.arms.map((a) => ({
      label: armLabel(a),
      values: [a.customers, a.conversions, a.rate, a.lift?.estimate, a.lift?.low, a.lift?.high],
    })),
    formats: [formatCount, formatCount, formatRate, pp],
  };
  return { svg: withLift.length ? rates + lift : rates, matrix, legend: [] };
}
