import { escapeHtml as esc } from '../../functions/shared/http';
import type { SimulationResult } from '../../domain/simulate/result';
import {
  costChart,
  experimentChart,
  funnelChart,
  messageSeriesNames,
  messagesChart,
  skipsChart,
  stageNames,
  stagesChart,
  type Chart,
  type Scales,
} from './charts';
import { figures, pairFigures } from './figures';
import { formatCount } from './format';
import { figuresTables, matrixTable, pairedTables } from './tables';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;margin:0 auto;max-width:1400px;padding:16px 24px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d5dbe1;padding-bottom:4px}
h3{font-size:15px;margin:12px 0 4px}.meta{color:#4a5968;margin:2px 0}
.versions{display:grid;grid-template-columns:repeat(var(--n),minmax(0,1fr));gap:24px}
figure{margin:8px 0 16px;display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figcaption{flex-basis:100%;font-weight:600}
.chart{max-width:100%;height:auto;background:#fff}
.chart .grid{stroke:#e3e8ed}.chart .zero{stroke:#6b7885;stroke-dasharray:3 3}
.chart text{font-size:11px;fill:#4a5968}.chart .label{font-size:12px;fill:#1d2733}
table{border-collapse:collapse;font-size:12px;margin:4px 0 12px}caption{text-align:left;font-weight:600;padding:2px 0}
th,td{padding:2px 8px;border-bottom:1px solid #eef1f4;text-align:right;white-space:nowrap}th[scope=row]{text-align:left;font-weight:normal}
tr.changed,td.changed{background:#fff1c2}td.diff{font-weight:600}
.plot{max-width:640px;flex:0 1 640px}
.legend{list-style:none;padding:0;margin:4px 0 0;display:flex;flex-wrap:wrap;gap:4px 12px;font-size:12px}
.legend span{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.none{color:#6b7885;font-style:italic}.tables{display:flex;flex-wrap:wrap;gap:0 32px;align-items:flex-start}
`;

interface Version {
  name: string;
  result: SimulationResult;
}

function legend(c: Chart): string {
  if (c.legend.length === 0) return '';
  const items = c.legend.map((l) => `<li><span style="background:${l.color}"></span>${esc(l.name)}</li>`);
  return `<ul class="legend">${items.join('')}</ul>`;
}

function figure(caption: string, chart: Chart, other?: { chart: Chart | undefined; name: string }): string {
  return (
    `<figure><figcaption>${esc(caption)}</figcaption><div class="plot">${chart.svg}${legend(chart)}</div>` +
    `${matrixTable(chart.matrix, other?.chart?.matrix, other?.name)}</figure>`
  );
}

/**
 * One section of the report: per version, the charts `build` draws (keyed, so that a journey's funnel in A
 * is set against the same journey's in B), side by side in a comparison.
 */
function section(
  title: string,
  versions: Version[],
  build: (v: Version, index: number) => { key: string; caption: string; chart: Chart }[],
): string {
  const built = versions.map((v, i) => build(v, i));
  const columns = versions.map((v, i) => {
    const other = versions.length > 1 ? built[1 - i] : undefined;
    const otherName = versions[1 - i]?.name ?? '';
    const body = built[i]!.map((c) =>
      figure(
        c.caption,
        c.chart,
        other && { chart: other.find((o) => o.key === c.key)?.chart, name: otherName },
      ),
    );
    const heading = versions.length > 1 ? `<h3>${esc(v.name)}</h3>` : '';
    return `<div>${heading}${body.length ? body.join('') : '<p class="none">Nothing to show.</p>'}</div>`;
  });
  return `<section><h2>${esc(title)}</h2><div class="versions" style="--n:${versions.length}">${columns.join('')}</div></section>`;
}

function scalesOf(results: SimulationResult[]): Scales {
  const weekTotals = (r: SimulationResult, pick: (w: SimulationResult['weeks'][number]) => number[]) =>
    r.weeks.map((w) => pick(w).reduce((a, b) => a + b, 0));
  return {
    stageNames: [...new Set(results.flatMap(stageNames))],
    messageNames: [...new Set(results.flatMap(messageSeriesNames))],
    stages: Math.max(0, ...results.flatMap((r) => weekTotals(r, (w) => Object.values(w.stages)))),
    messages: Math.max(
      0,
      ...results.flatMap((r) =>
        weekTotals(r, (w) => Object.values(w.messages).flatMap((byChannel) => Object.values(byChannel))),
      ),
    ),
  };
}

function header(versions: Version[]): string {
  const lines = versions.map(({ name, result: r }) => {
    const prefix = versions.length > 1 ? `${name}: ` : '';
    return (
      `<p class="meta"><strong>${esc(prefix + r.label)}</strong> — ${esc(r.period.from.slice(0, 10))} to ` +
      `${esc(r.period.to.slice(0, 10))}, ${formatCount(r.customers)} customers, ${formatCount(r.events)} events</p>`
    );
  });
  return `<h1>Rapport simulation</h1>${lines.join('')}`;
}

/**
 * The figures in tables: alone, at the end (the charts come first); compared, what changed opens the report
 * (what a reviewer of a journey change reads first) and every figure side by side closes it.
 */
function keyFigures(result: SimulationResult, compare?: SimulationResult): { top: string; end: string } {
  if (compare === undefined)
    return {
      top: '',
      end: `<section><h2>Key figures</h2><div class="tables">${figuresTables(figures(result))}</div></section>`,
    };
  const paired = pairFigures(figures(result), figures(compare));
  const changed = pairedTables(paired, true) || '<p class="none">No figure differs.</p>';
  return {
    top: `<section><h2>What changed (B − A)</h2><div class="tables">${changed}</div></section>`,
    end: `<section><h2>All figures</h2><div class="tables">${pairedTables(paired, false)}</div></section>`,
  };
}

/**
 * The simulation report as one self-contained HTML page: inline CSS and server-drawn SVG, no script and no
 * request, so that it opens offline and can be attached to a pull request. Given `compare`, the two
 * versions (A = `result`, B = `compare`) are shown side by side on shared scales with the changes marked.
 */
export function renderHtmlReport(result: SimulationResult, compare?: SimulationResult): string {
  const versions: Version[] = compare
    ? [
        { name: 'A', result },
        { name: 'B', result: compare },
      ]
    : [{ name: 'A', result }];
  const scales = compare ? scalesOf([result, compare]) : undefined;
  const one = (key: string, caption: string, chart: Chart) => [{ key, caption, chart }];
  const tables = keyFigures(result, compare);
  const body = [
    header(versions),
    tables.top,
    section('Lifecycle stages', versions, ({ result: r }, i) =>
      one('stages', 'Customers per stage, by week', stagesChart(r, `stages-${i}`, scales)),
    ),
    section('Messages', versions, ({ result: r }, i) =>
      one('messages', 'Messages per journey and channel, by week', messagesChart(r, `messages-${i}`, scales)),
    ),
    // A journey no customer entered has no funnel to draw; the figures' table still lists it with 0 started.
    section('Journey funnels', versions, ({ result: r }, i) =>
      r.journeys.flatMap((j, k) =>
        j.started === 0
          ? []
          : [
              {
                key: j.journeyId,
                caption: `Funnel: ${j.journeyId}`,
                chart: funnelChart(j, `funnel-${i}-${k}`),
              },
            ],
      ),
    ),
    section('Skipped messages', versions, ({ result: r }, i) =>
      Object.keys(r.skipped).length ? one('skips', 'Skips by reason', skipsChart(r, `skips-${i}`)) : [],
    ),
    section('Experiments', versions, ({ result: r }, i) =>
      r.experiments.map((e, k) => ({
        key: `${e.journeyId}/${e.stepId}`,
        caption: `${e.journeyId}/${e.stepId}: ${e.verdict}`,
        chart: experimentChart(e, `experiment-${i}-${k}`),
      })),
    ),
    section('AWS cost forecast', versions, ({ result: r }, i) =>
      one('cost', 'Monthly cost by AWS service', costChart(r, `cost-${i}`)),
    ),
    tables.end,
  ];
  const title = compare ? `${result.label} vs ${compare.label}` : result.label;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    // Belt and braces to the escaping: the page may neither run a script nor fetch anything.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(`Rapport simulation: ${title}`)}</title><style>${STYLE}</style></head>` +
    `<body>${body.join('\n')}</body></html>\n`
  );
}
