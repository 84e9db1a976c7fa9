import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { isOptOutKeyword } from '../adapters/notifications/parse';
import { TASK_EVENT } from '../domain/journey/compile';
import { smsLength } from '../domain/messages/sms';
import { escapeHtml } from '../functions/shared/http';
import { ENGAGE_PATH } from '../adapters/console/message-html';
import { LocalEngagementError, type LocalEngagement } from './engagement';
import type { LocalEventBus, LocalBusEvent } from './eventbridge';
import type { LocalHttpApi } from './http-api';
import type { LocalSms, LocalSmsOutbox } from './sms-outbox';
import type { StartupReport } from './startup';
import type { LocalStepFunctions } from './stepfunctions';

export interface LocalRouteDeps {
  bus: LocalEventBus;
  outbox: LocalSmsOutbox;
  stepFunctions: LocalStepFunctions;
  inboxUrl: string;
  /** What this start found left over from the last stop and finished: beside the executions. */
  startup: StartupReport;
  /** Delivers one SNS message to the delivery-events handler, as a subscription does on AWS. */
  notify: (message: unknown) => Promise<unknown>;
  /** Reports opens and clicks as SES would (the console's buttons on an email). */
  engagement: Pick<LocalEngagement, 'engage'>;
}

/** The local-only pages and JSON beside the HTTP API: tasks, the SMS outbox, the bus, executions. */
export function addLocalRoutes(api: LocalHttpApi, deps: LocalRouteDeps): void {
  const { bus, outbox, stepFunctions, notify } = deps;
  api.addLocalRoute('/_local/tasks', (_req, res) => json(res, 200, tasksOf(bus)));
  // The SMS outbox as a page, beside the email inbox: what each number received, and a way to reply
  // as the customer would (STOP opts out, as End User Messaging's opt-out list does on AWS).
  api.addLocalRoute('/_local/outbox', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(outboxPage(outbox.messages, deps.inboxUrl));
  });
  api.addLocalRoute('/_local/sms', (_req, res) => json(res, 200, outbox.messages));
  api.addLocalRoute(
    '/_local/sms/inbound',
    async (req, res) => {
      const input = await readJsonObject(req, res);
      if (!input) return;
      const { from, body } = input as { from?: unknown; body?: unknown };
      if (typeof from !== 'string' || typeof body !== 'string')
        return json(res, 400, { message: 'expected {"from": "+8613800138000", "body": "STOP"}' });
      // As End User Messaging does: an opt-out keyword puts the number on the opt-out list at once.
      if (isOptOutKeyword(body)) outbox.optedOut.add(from);
      json(
        res,
        200,
        await notify({ originationNumber: from, messageBody: body, inboundMessageId: randomUUID() }),
      );
    },
    'POST',
  );
  api.addLocalRoute(
    '/_local/ses/notifications',
    async (req, res) => {
      const input = await readJsonObject(req, res);
      if (input) json(res, 200, await notify(input));
    },
    'POST',
  );
  // The console's Open and Click buttons (a form POST, answered with a redirect back to the page), or JSON.
  api.addLocalRoute(ENGAGE_PATH, (req, res) => engage(req, res, deps.engagement), 'POST');
  api.addLocalRoute('/_local/events', (_req, res) => json(res, 200, bus.events));
  api.addLocalRoute('/_local/executions', (_req, res) =>
    json(res, 200, {
      startup: deps.startup,
      executions: stepFunctions.listExecutions().map(({ done: _d, abort: _a, ...e }) => e),
    }),
  );
}

export function tasksOf(bus: LocalEventBus): LocalBusEvent[] {
  return bus.events.filter(isTask);
}

/** A journey's request to a person, as its `task` step publishes it. */
export function isTask(e: LocalBusEvent): boolean {
  return e.source === TASK_EVENT.source && e.detailType === TASK_EVENT.detailType;
}

async function engage(req: IncomingMessage, res: ServerResponse, engagement: LocalRouteDeps['engagement']) {
  const form = !String(req.headers['content-type'] ?? '').includes('json');
  const body = form
    ? Object.fromEntries(new URLSearchParams(await readText(req)))
    : await readJsonObject(req, res);
  if (!body) return;
  const { messageId, action, link } = body as Record<string, unknown>;
  if (
    typeof messageId !== 'string' ||
    !(action === 'open' || (action === 'click' && typeof link === 'string'))
  )
    return json(res, 400, {
      message:
        'expected {"messageId": "<SES message id>", "action": "open"} or {…, "action": "click", "link": "https://…"}',
    });
  try {
    const result = await engagement.engage(
      messageId,
      action === 'open' ? { open: true } : { link: link as string },
    );
    if (!form) return json(res, 200, result);
    // Back to the page the button was on (the console, on this same origin), where the event now shows.
    const back = new URL(req.headers.referer ?? '/customers', 'http://local');
    res.writeHead(303, { location: `${back.pathname}${back.search}${back.hash}` });
    res.end();
  } catch (e) {
    if (!(e instanceof LocalEngagementError)) throw e;
    json(res, 409, { message: e.message });
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2));
}

/** The body as a JSON object, or undefined after answering 400 for anything else. */
async function readJsonObject(req: IncomingMessage, res: ServerResponse): Promise<object | undefined> {
  const text = await readText(req);
  try {
    const value: unknown = JSON.parse(text || '{}');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // answered below, as any other body that is not a JSON object
  }
  json(res, 400, { message: 'the body must be a JSON object' });
  return undefined;
}

function outboxPage(messages: readonly LocalSms[], inboxUrl: string): string {
  const esc = escapeHtml;
  const rows = [...messages]
    .reverse()
    .map(
      (m) =>
        `<tr><td>${esc(m.at)}</td><td>${esc(m.to)}</td><td>${esc(m.messageType)}</td><td>${smsLength(m.body).parts}</td><td>${esc(m.body)}</td></tr>`,
    )
    .join('');
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>Rapport SMS outbox</title></head>` +
    `<body style="font-family:sans-serif;margin:24px"><h1>SMS outbox</h1>` +
    `<p>${messages.length} text message(s) sent. Emails: <a href="${esc(inboxUrl)}">the email inbox</a>. JSON: <a href="/_local/sms">/_local/sms</a>.</p>` +
    `<form onsubmit="event.preventDefault();fetch('/_local/sms/inbound',{method:'POST',body:JSON.stringify({from:this.from.value,body:this.body.value})}).then(()=>location.reload())">` +
    `Reply as <input name="from" placeholder="+8613800138000"> <input name="body" value="STOP"> <button>Send reply</button></form>` +
    `<table border="1" cellpadding="6" style="border-collapse:collapse;margin-top:16px"><tr><th>Sent</th><th>To</th><th>Type</th><th>Parts</th><th>Text</th></tr>${rows}</table>` +
    `</body></html>`
  );
}
