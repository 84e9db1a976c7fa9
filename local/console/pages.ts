import type { ControlGroup } from '../../domain/config/interplay';
import type { GroupModes } from '../../domain/journey/graph';
import type { Delivered } from '../../adapters/console/message-html';
import type { Timeline } from '../../domain/console/timeline';
import type { MessageRecord } from '../../domain/message-record';
import type { LoadedJourney } from '../../domain/config/load';
import { escapeHtml as esc } from '../../functions/shared/http';
import type { ExecutionFacts } from './journey-counts';
import type { StoreSnapshot } from './snapshot';
import type { ConsoleTask } from './tasks';

/** What every console page may read: the store now, the executions, the journeys deployed. */
export interface ConsoleContext {
  snapshot(): Promise<StoreSnapshot>;
  /** Executions of one journey's state machine, or of all of them. */
  executions(journeyId?: string): ExecutionFacts[];
  journeys(): readonly LoadedJourney[];
  /** settings.yaml `controlGroup` (absent: none). */
  controlGroup?(): ControlGroup | undefined;
  /** settings.yaml `exclusiveGroups`: the journey page says its group's mode. */
  exclusiveGroups?(): GroupModes;
  /** The runtime's clock (virtual in tests). */
  now(): Date;
  /** One customer's timeline (their records and their executions' steps). */
  customer(customerId: string): Promise<Timeline>;
  /** The ids of the customers using an address, by its key (see addressSearched). */
  customersAt(addressKey: string): Promise<string[]>;
  /** The email inbox page (the SES emulator). */
  inbox: string;
  /** The SMS outbox page. */
  outbox: string;
  /** The page listing every task for people. */
  tasksPage: string;
  /** A message's content as the customer got it (from the inbox or the outbox), or why there is none. */
  delivered(message: MessageRecord): Promise<Delivered>;
  /** Requests journeys made of people, newest first: every one, or one customer's. */
  tasks(customerId?: string): ConsoleTask[];
}

/** One page of the console. A page is mounted by adding it to the list given to mountConsole. */
export interface ConsolePage {
  path: string;
  title: string;
  /** Shown in the nav bar (a page reached only from another, such as one journey's, is not). */
  inNav: boolean;
  /** The page's body (the shell adds the rest), or undefined for "not found". */
  render(ctx: ConsoleContext, query: URLSearchParams): Promise<string | undefined>;
}

/** The pages beside the console that are not its own: the emulators' inbox and outbox, tasks. */
export interface ConsoleLinks {
  inbox: string;
  outbox: string;
  tasks: string;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;margin:0}
nav{background:#1d2733;padding:8px 24px;display:flex;gap:18px;align-items:center}
nav a{color:#dfe6ee;text-decoration:none}nav a.here{color:#fff;font-weight:600;border-bottom:2px solid #f28e2b}
nav .brand{color:#fff;font-weight:700;margin-right:12px}main{padding:12px 24px;max-width:1400px}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #d5dbe1;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px;margin:4px 0 12px}caption{text-align:left;font-weight:600;padding:2px 0}
th,td{padding:3px 10px;border-bottom:1px solid #eef1f4;text-align:right;white-space:nowrap}th[scope=row],td.text{text-align:left}
.none{color:#6b7885;font-style:italic}.bad{color:#b3261e;font-weight:600}
.chart{max-width:100%;height:auto}.chart .grid{stroke:#e3e8ed}.chart text{font-size:11px;fill:#4a5968}
.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 12px;font-size:12px}
.legend span{display:inline-block;width:10px;height:10px;margin-right:4px}
.journey-diagram{max-width:100%;height:auto}.journey-diagram rect{fill:#f4f7fa;stroke:#4e79a7;stroke-width:1.5}
.journey-diagram .step-start rect,.journey-diagram .step-finish rect,.journey-diagram .step-exit rect{fill:#e8f0e6;stroke:#59a14f}
.journey-diagram .step-send rect{fill:#fdf1e4;stroke:#f28e2b}.journey-diagram .step-branch rect,.journey-diagram .step-split rect{fill:#f3ecf3;stroke:#b07aa1}
.journey-diagram .edge{fill:none;stroke:#6b7885;stroke-width:1.3}.journey-diagram text{font-size:12px;fill:#1d2733}
.search input{font:inherit;padding:3px 6px;width:18em}.timeline ol,.why ol{padding-left:1.2em}.timeline li,.why li{margin:2px 0}.why li.why-detail{list-style:none;margin-left:1.5em;color:#444}
.timeline time{color:#6b7885;font-variant-numeric:tabular-nums;margin-right:6px}
.delivered iframe{width:100%;max-width:760px;height:420px;border:1px solid #d5dbe1;background:#fff}
.delivered pre{white-space:pre-wrap;overflow-wrap:anywhere;max-width:760px;background:#f4f7fa;padding:8px 12px;border:1px solid #e3e8ed}
.email-head th,.email-head td,.tasks th,.tasks td{text-align:left;white-space:normal}h4{margin:12px 0 4px;font-size:14px}
.journey-diagram .counts{fill:#4a5968}.journey-diagram .count{font-weight:700;fill:#1d2733}.journey-diagram .edge-label{font-size:11px;fill:#6b7885}.journey-diagram .journey-rule{font-size:12px;fill:#4a5968}
`;

/** A whole console page: the nav bar (this page marked), then the body. */
export function shell(
  pages: readonly ConsolePage[],
  links: ConsoleLinks,
  current: { path: string; title: string },
  body: string,
): string {
  const own = pages
    .filter((p) => p.inNav)
    .map(
      (p) => `<a href="${esc(p.path)}"${p.path === current.path ? ' class="here"' : ''}>${esc(p.title)}</a>`,
    );
  const others = [
    ['Inbox', links.inbox],
    ['SMS outbox', links.outbox],
    ['Tasks', links.tasks],
  ].map(
    ([name = '', href = '']) =>
      `<a href="${esc(href)}"${href === current.path ? ' class="here"' : ''}>${esc(name)}</a>`,
  );
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,">` +
    `<title>${esc(current.title)} · Rapport</title><style>${STYLE}</style></head><body>` +
    `<nav><span class="brand">Rapport</span>${[...own, ...others].join('')}</nav><main>${body}</main></body></html>`
  );
}

/** A table of rows of cells; the first cell of each row heads it. Every cell is escaped. */
export function table(caption: string, head: string[], rows: (string | number)[][]): string {
  if (rows.length === 0) return `<p class="none">${esc(caption)}: none yet.</p>`;
  const th = head.map((h, i) => `<th${i === 0 ? ' class="text"' : ''}>${esc(h)}</th>`).join('');
  const tr = rows.map(
    ([first = '', ...rest]) =>
      `<tr><th scope="row">${esc(String(first))}</th>${rest.map((c) => `<td${typeof c === 'string' ? ' class="text"' : ''}>${esc(String(c))}</td>`).join('')}</tr>`,
  );
  return `<table><caption>${esc(caption)}</caption><tr>${th}</tr>${tr.join('')}</table>`;
}
