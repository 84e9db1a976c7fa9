import type { SimulationResult } from '../../domain/simulate/result';

/**
 * The key figures of a simulation as labelled rows, shared by the terminal summary and the HTML report's
 * tables so that both say the same thing, and so that two results can be aligned row by row to compare.
 */
export type Cell =
  | { kind: 'count'; value: number }
  | { kind: 'usd'; value: number }
  | { kind: 'rate'; value: number }
  | { kind: 'text'; value: string };

export interface Row {
  label: string;
  cells: Cell[];
}

export interface Section {
  title: string;
  /** Headings of the value columns; one empty heading when the section has a single, obvious value. */
  columns: string[];
  rows: Row[];
}

const count = (value: number): Cell => ({ kind: 'count', value });
const usd = (value: number): Cell => ({ kind: 'usd', value });
const rate = (value: number): Cell => ({ kind: 'rate', value });
const text = (value: string): Cell => ({ kind: 'text', value });

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

function tally(title: string, counts: Record<string, number>): Section {
  return {
    title,
    columns: [''],
    rows: Object.entries(counts).map(([label, n]) => ({ label, cells: [count(n)] })),
  };
}

export function messagesSent(j: SimulationResult['journeys'][number]): number {
  return sum(j.funnel.map((s) => s.sent ?? 0));
}

function journeys(r: SimulationResult): Section {
  const rows = r.journeys.flatMap((j): Row[] => [
    { label: `${j.journeyId}: started`, cells: [count(j.started)] },
    ...Object.entries(j.outcomes).map(([o, n]) => ({
      label: `${j.journeyId}: ended ${o}`,
      cells: [count(n)],
    })),
    { label: `${j.journeyId}: conversions (attributed)`, cells: [count(j.conversions)] },
    { label: `${j.journeyId}: goal reached (all goal events)`, cells: [count(j.goalReached)] },
    { label: `${j.journeyId}: messages sent`, cells: [count(messagesSent(j))] },
  ]);
  return { title: 'Journeys', columns: [''], rows };
}

/** A rate difference in percentage points with its 95% interval, e.g. `+2.1 pp [-0.4, +4.6]`. */
export function liftText(lift: { estimate: number; low: number; high: number }): string {
  const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  return `${pp(lift.estimate)} pp [${pp(lift.low)}, ${pp(lift.high)}]`;
}

function experiments(r: SimulationResult): Section {
  const rows = r.experiments.flatMap((e): Row[] => [
    ...e.arms.map((a) => ({
      label: `${e.journeyId}/${e.stepId}: ${a.arm}${a.holdout && a.arm !== 'holdout' ? ' (holdout)' : ''}`,
      cells: [count(a.customers), count(a.conversions), rate(a.rate), text(a.lift ? liftText(a.lift) : '')],
    })),
    { label: `${e.journeyId}/${e.stepId}: verdict`, cells: [text(''), text(''), text(''), text(e.verdict)] },
  ]);
  return { title: 'Experiments', columns: ['customers', 'conversions', 'rate', 'lift (95% CI)'], rows };
}

function cost(r: SimulationResult): Section {
  const c = r.cost;
  const rows: Row[] = [
    ...c.lines.map((l) => ({
      label: `${l.service}: ${l.item}`,
      cells: [usd(l.usdPerMonth), usd(l.usdPerMonthPerMillionCustomers)],
    })),
    { label: 'total', cells: [usd(c.totalUsdPerMonth), usd(c.totalUsdPerMonthPerMillionCustomers)] },
    {
      label: 'total without SES and SMS',
      cells: [usd(c.infraUsdPerMonth), usd(c.infraUsdPerMonthPerMillionCustomers)],
    },
  ];
  return {
    title: `AWS cost per month (${c.region}, prices of ${c.pricesAsOf})`,
    columns: ['simulated', 'per 1M customers'],
    rows,
  };
}

/** Where the Step Functions bill comes from, by journey and by state, with each one's share of its cost. */
function transitions(r: SimulationResult, top = 10): Section[] {
  const byJourney = Object.entries(r.usage.transitionsByState ?? {});
  const total = r.usage.stateTransitions;
  const line = r.cost.lines.find((l) => l.service === 'Step Functions');
  const perTransition = line && total > 0 ? line.usdPerMonthPerMillionCustomers / total : 0;
  const rowsOf = (counts: { label: string; n: number }[]) =>
    counts
      .sort((a, b) => b.n - a.n)
      .slice(0, top)
      .map(({ label, n }) => ({
        label,
        cells: [count(n), rate(total > 0 ? n / total : 0), usd(n * perTransition)],
      }));
  const columns = ['transitions', 'share', 'per 1M customers per month'];
  return [
    {
      title: 'Step Functions transitions by journey',
      columns,
      rows: rowsOf(byJourney.map(([label, states]) => ({ label, n: sum(Object.values(states)) }))),
    },
    {
      title: `Step Functions: the ${top} states entered most`,
      columns,
      rows: rowsOf(
        byJourney.flatMap(([journeyId, states]) =>
          Object.entries(states).map(([state, n]) => ({ label: `${journeyId}: ${state}`, n })),
        ),
      ),
    },
  ];
}

export function figures(r: SimulationResult): Section[] {
  return [
    {
      title: 'Population',
      columns: [''],
      rows: [
        { label: 'customers', cells: [count(r.customers)] },
        { label: 'events', cells: [count(r.events)] },
        { label: 'weeks', cells: [count(r.weeks.length)] },
      ],
    },
    tally('Final stages', r.finalStages),
    tally('Final tiers', r.finalTiers),
    journeys(r),
    tally('Skipped messages by reason', r.skipped),
    experiments(r),
    cost(r),
    ...transitions(r),
  ].filter((s) => s.rows.length > 0);
}

/** One row of two results aligned by label; a side is missing when that version has no such row. */
export interface PairedRow {
  label: string;
  a: Cell[] | undefined;
  b: Cell[] | undefined;
}

export interface PairedSection {
  title: string;
  columns: string[];
  rows: PairedRow[];
}

function pairRows(a: Row[], b: Row[]): PairedRow[] {
  const inB = new Map(b.map((r) => [r.label, r.cells]));
  const inA = new Set(a.map((r) => r.label));
  return [
    ...a.map((r) => ({ label: r.label, a: r.cells, b: inB.get(r.label) })),
    ...b.filter((r) => !inA.has(r.label)).map((r) => ({ label: r.label, a: undefined, b: r.cells })),
  ];
}

/** Sections of two results aligned by title (the cost title carries the price date, so match its start). */
export function pairFigures(a: Section[], b: Section[]): PairedSection[] {
  const key = (s: Section) => s.title.replace(/ \(.*$/, '');
  const bByKey = new Map(b.map((s) => [key(s), s]));
  const aKeys = new Set(a.map(key));
  const paired = a.map((s) => ({
    title: s.title,
    columns: s.columns,
    rows: pairRows(s.rows, bByKey.get(key(s))?.rows ?? []),
  }));
  const onlyB = b
    .filter((s) => !aKeys.has(key(s)))
    .map((s) => ({ title: s.title, columns: s.columns, rows: pairRows([], s.rows) }));
  return [...paired, ...onlyB];
}
