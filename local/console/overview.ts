import { colorOf, horizontalBars, stackedArea, stackedBars } from '../../adapters/report/svg';
import { escapeHtml as esc } from '../../functions/shared/http';
import type { ProgramMeasure } from '../../domain/console/program';
import { armCells } from './experiments';
import type { ExecutionFacts } from './journey-counts';
import { table } from './pages';
import type { CustomerCount, MessageFacts } from './snapshot';

export interface OverviewData {
  customers: readonly CustomerCount[];
  messages: readonly MessageFacts[];
  executions: readonly Pick<ExecutionFacts, 'status'>[];
  /** Today (UTC): the last day of the stages-over-time chart. */
  today: string;
  /** The program against the global control group, when settings.yaml holds one. */
  program?: ProgramMeasure;
}

/** How far back the stages-over-time chart goes. */
const DAYS_SHOWN = 60;
const DAY_MS = 86_400_000;

const tally = <K extends string>(keys: K[]) => {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
};
const byCount = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

/** The overview: customers per stage and tier now, messages per day, and what needs someone's attention. */
export function renderOverview(d: OverviewData): string {
  return (
    `<h1>Overview</h1>${customersSection(d.customers)}${stagesOverTime(d.customers, d.today)}` +
    messagesSection(d.messages) +
    programSection(d.program) +
    healthSection(d)
  );
}

/** Customers who entered a journey and converted, in the global control group and outside it. */
function programSection(p: ProgramMeasure | undefined): string {
  if (!p) return '';
  const rows = p.arms.map((a) => armCells(a.arm, a));
  return (
    `<h2>The program against its control group</h2><p>${p.group.percent}% of customers (salt ${esc(p.group.salt)}) ` +
    `get no marketing. Of the customers who entered a journey, those with a conversion (a goal event within its ` +
    `window), in the control group and outside it: the lift is what the program's marketing adds.</p>` +
    table(
      'Program against control',
      ['group', 'customers', 'converted', 'rate', 'lift [95% CI]', 'verdict'],
      rows,
    )
  );
}

function customersSection(customers: readonly CustomerCount[]): string {
  const stages = byCount(tally(customers.map((c) => c.stage)));
  const tiers = byCount(tally(customers.map((c) => c.tier))).map(([t]) => t);
  const rows = stages.map(([stage, n]) => [
    stage,
    ...tiers.map((t) => customers.filter((c) => c.stage === stage && c.tier === t).length),
    n,
  ]);
  const chart =
    stages.length === 0
      ? ''
      : horizontalBars(
          {
            id: 'stages',
            title: 'Customers per stage now',
            description: stages.map(([s, n]) => `${s} ${n}`).join(', '),
          },
          stages.map(([s, n], i) => ({
            label: s,
            bars: [{ name: 'customers', value: n, color: colorOf(i) }],
          })),
        );
  return (
    `<h2>Customers now: <span id="customers-total">${customers.length}</span></h2>` +
    `<div style="display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start">` +
    `${table('Customers per stage and tier', ['stage', ...tiers, 'total'], rows)}<div>${chart}</div></div>`
  );
}

/** Customers per stage at the end of each day (UTC), from each profile's stage history. */
export function stagesByDay(
  customers: readonly CustomerCount[],
  today: string,
): { days: string[]; series: { name: string; color: string; values: number[] }[] } {
  const firsts = customers.flatMap((c) => c.stageHistory?.[0]?.at.slice(0, 10) ?? []).sort();
  const days: string[] = [];
  const last = Date.parse(`${today.slice(0, 10)}T00:00:00Z`);
  // A week at least, so that a new store's single day still reads as a chart over time.
  const from = Math.min(firsts[0] ? Date.parse(`${firsts[0]}T00:00:00Z`) : last, last - 6 * DAY_MS);
  for (let t = Math.max(from, last - (DAYS_SHOWN - 1) * DAY_MS); t <= last; t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  const stageOn = (c: CustomerCount, day: string) =>
    c.stageHistory?.filter((h) => h.at.slice(0, 10) <= day).at(-1)?.to;
  const names = [...new Set(customers.flatMap((c) => c.stageHistory?.map((h) => h.to) ?? []))].sort();
  const series = names.map((name, i) => ({
    name,
    color: colorOf(i),
    values: days.map((day) => customers.filter((c) => stageOn(c, day) === name).length),
  }));
  return { days, series };
}

function stagesOverTime(customers: readonly CustomerCount[], today: string): string {
  const { days, series } = stagesByDay(customers, today);
  if (series.length === 0) return '';
  const description = `Customers per stage at the end of each day from ${days[0]} to ${days.at(-1)}`;
  const text = { id: 'stages-over-time', title: 'Customers per stage, by day', description };
  return (
    `<h2>Customers per stage over time</h2>` +
    stackedArea(
      text,
      days.map((d) => d.slice(5)),
      series,
    ) +
    legend(series)
  );
}

const legend = (series: readonly { name: string; color: string }[]) =>
  `<ul class="legend">${series.map((s) => `<li><span style="background:${s.color}"></span>${esc(s.name)}</li>`).join('')}</ul>`;

const dayOf = (m: MessageFacts) =>
  (m.status === 'sent' ? (m.sentAt ?? m.createdAt) : m.createdAt).slice(0, 10);

function messagesSection(messages: readonly MessageFacts[]): string {
  const rows = new Map<
    string,
    { day: string; journey: string; channel: string; sent: number; skipped: number }
  >();
  for (const m of messages) {
    if (m.status !== 'sent' && m.status !== 'skipped' && m.status !== 'deferred') continue;
    const key = `${dayOf(m)} ${m.journeyId} ${m.channel}`;
    const row = rows.get(key) ?? {
      day: dayOf(m),
      journey: m.journeyId,
      channel: m.channel,
      sent: 0,
      skipped: 0,
    };
    if (m.status === 'sent') row.sent++;
    else row.skipped++;
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort(
    (a, b) => b.day.localeCompare(a.day) || a.journey.localeCompare(b.journey),
  );
  const days = [...new Set(sorted.map((r) => r.day))].sort();
  const pairs = [...new Set(sorted.map((r) => `${r.journey} · ${r.channel}`))].sort();
  const series = pairs.map((name, i) => ({
    name,
    color: colorOf(i),
    values: days.map(
      (day) => sorted.find((r) => r.day === day && `${r.journey} · ${r.channel}` === name)?.sent ?? 0,
    ),
  }));
  const chart = days.length
    ? stackedBars(
        {
          id: 'sent',
          title: 'Messages sent per day',
          description: `${pairs.length} journey and channel pair(s) over ${days.length} day(s)`,
        },
        days.map((d) => d.slice(5)),
        series,
      ) + legend(series)
    : '';
  return (
    `<h2>Messages per day</h2><div style="display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start">` +
    `${table(
      'Messages sent and skipped (or deferred) per day, journey and channel',
      ['day', 'journey', 'channel', 'sent', 'skipped'],
      sorted.map((r) => [r.day, r.journey, r.channel, r.sent, r.skipped]),
    )}` +
    `<div>${chart}</div></div>`
  );
}

function healthSection(d: OverviewData): string {
  const failed = d.executions.filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT').length;
  const running = d.executions.filter((e) => e.status === 'RUNNING').length;
  const inDoubt = d.messages.filter((m) => m.status === 'in-doubt').length;
  const gaveUp = d.messages.filter((m) => m.status === 'failed').length;
  const cell = (id: string, n: number) => `<td id="${id}"${n > 0 ? ' class="bad"' : ''}>${n}</td>`;
  return (
    `<h2>Health</h2><table>` +
    `<tr><th scope="row">Executions failed or timed out</th>${cell('failed-executions', failed)}</tr>` +
    `<tr><th scope="row">Messages in doubt (may have gone out; never sent again)</th>${cell('in-doubt', inDoubt)}</tr>` +
    `<tr><th scope="row">Sends that gave up after their retries</th>${cell('failed-messages', gaveUp)}</tr>` +
    `<tr><th scope="row">Executions running</th><td id="running">${running}</td></tr>` +
    `<tr><th scope="row">Dead letters</th><td class="text">none here: the local runtime has no dead-letter queue (a delivery that still fails after 3 tries fails its request)</td></tr>` +
    `</table><p>Every execution: <a href="/_local/executions">/_local/executions</a> (JSON).</p>`
  );
}
