import { colorOf, horizontalBars, stackedBars } from '../../adapters/report/svg';
import { escapeHtml as esc } from '../../functions/shared/http';
import type { ExecutionFacts } from './journey-counts';
import { table } from './pages';
import type { CustomerCount, MessageFacts } from './snapshot';

export interface OverviewData {
  customers: readonly CustomerCount[];
  messages: readonly MessageFacts[];
  executions: readonly Pick<ExecutionFacts, 'status'>[];
}

const tally = <K extends string>(keys: K[]) => {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
};
const byCount = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

/** The overview: customers per stage and tier now, messages per day, and what needs someone's attention. */
export function renderOverview(d: OverviewData): string {
  return `<h1>Overview</h1>${customersSection(d.customers)}${messagesSection(d.messages)}` + healthSection(d);
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
      ) +
      `<ul class="legend">${series.map((s) => `<li><span style="background:${s.color}"></span>${esc(s.name)}</li>`).join('')}</ul>`
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
