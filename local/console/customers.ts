import { renderDelivered, type Delivered } from '../../adapters/console/message-html';
import { renderTimeline, renderWhy } from '../../adapters/console/timeline-html';
import type { Channel } from '../../domain/config/ids';
import { addressSearched } from '../../domain/console/search';
import type { Timeline } from '../../domain/console/timeline';
import { latestMessage, why } from '../../domain/console/why';
import { escapeHtml as esc } from '../../functions/shared/http';
import type { ConsoleContext } from './pages';
import { renderCustomerTasks, type ConsoleTask } from './tasks';

/** What the customer page shows: the id asked for, their timeline, and the message whose "why" is open. */
export interface CustomerView {
  customerId: string | undefined;
  timeline: Timeline | undefined;
  messageKey: string | undefined;
  /** The email inbox (SES emulator), where each email sent can be read as the customer got it. */
  inbox: string;
  /** The SMS outbox page. */
  outbox?: string;
  /** The open message's content as the customer got it, or why there is none. */
  delivered?: Delivered;
  /** The customer's tasks for people, newest first, and the page listing every task. */
  tasks?: { list: readonly ConsoleTask[]; page: string };
  /** What was typed in the search box, when not the id shown: an email or a phone. */
  searched?: string;
  /** An email or phone searched: the customers using it (one: `customerId`, whose timeline shows). */
  address?: { channel: Channel; matches: readonly string[] };
}

/**
 * The page for a search (`id`: a customer id, an exact email or an E.164 phone) and the message whose
 * "why" is open. An address is looked up by its hash; the links made from it carry customer ids only.
 */
export async function customersPage(ctx: ConsoleContext, query: URLSearchParams): Promise<string> {
  const text = query.get('id')?.trim() || undefined;
  const page = { messageKey: query.get('message') ?? undefined, inbox: ctx.inbox };
  if (text === undefined) return renderCustomer({ ...page, customerId: undefined, timeline: undefined });
  const search = addressSearched(text);
  if (search === undefined) return renderCustomer(await withContent(ctx, { ...page, customerId: text }));
  const matches = await ctx.customersAt(search.key);
  if (matches.length === 0 && search.channel === 'email') {
    // A customer id may hold an @: no one uses it as an email, so it may be an id.
    const asId = await withContent(ctx, { ...page, customerId: text });
    if (asId.timeline && asId.timeline.entries.length > 0) return renderCustomer(asId);
  }
  const customerId = matches.length === 1 ? matches[0] : undefined;
  const view = { ...page, searched: text, address: { channel: search.channel, matches } };
  return renderCustomer(
    customerId === undefined
      ? { ...view, customerId, timeline: undefined }
      : await withContent(ctx, { ...view, customerId }),
  );
}

/** One customer's view: their timeline, the content of the message whose "why" is open, their tasks. */
async function withContent(
  ctx: ConsoleContext,
  view: Omit<CustomerView, 'timeline' | 'customerId'> & { customerId: string },
): Promise<CustomerView> {
  const timeline = await ctx.customer(view.customerId);
  const key = openMessageKey(timeline, view.messageKey);
  const open = timeline.entries.find((e) => e.type === 'message' && e.message.messageKey === key);
  return {
    ...view,
    timeline,
    outbox: ctx.outbox,
    ...(open?.type === 'message' ? { delivered: await ctx.delivered(open.message) } : {}),
    tasks: { list: ctx.tasks(view.customerId), page: ctx.tasksPage },
  };
}

/** The message whose "why" is open: the one asked for, else the latest. */
function openMessageKey(timeline: Timeline, asked: string | undefined): string | undefined {
  return asked ?? latestMessage(timeline)?.messageKey;
}

/** The link to one message's "why" on the customer page. */
export function whyHref(customerId: string, messageKey: string): string {
  return `/customers?${new URLSearchParams({ id: customerId, message: messageKey }).toString()}#why`;
}

/**
 * A search by customer id, then the customer's timeline, oldest first (events, stage and tier changes,
 * journey entries, steps reached, decisions, messages, consent, feedback, erasure), each message linking
 * to its "why": what started the journey, what was decided on the way, and the policy's answer.
 */
export function renderCustomer(view: CustomerView): string {
  const form =
    `<h1>Customers</h1><form method="get" action="/customers" class="search">` +
    `<label>Customer id, email or phone <input name="id" value="${esc(view.searched ?? view.customerId ?? '')}" autofocus></label> ` +
    `<button type="submit">Show timeline</button></form>`;
  if (view.address && view.address.matches.length !== 1) return form + renderMatches(view.address);
  if (view.customerId === undefined) return form;
  const { timeline, customerId } = view;
  if (!timeline || timeline.entries.length === 0)
    return `${form}<p class="none">No customer ${esc(customerId)} in the store.</p>`;
  const key = openMessageKey(timeline, view.messageKey);
  const answer = key === undefined ? undefined : why(timeline, key);
  const whyPart = answer
    ? `<h2 id="why">Why this message</h2>${renderWhy(answer)}${contentPart(view, answer.message.channel)}`
    : view.messageKey === undefined
      ? ''
      : `<p class="bad">No message ${esc(view.messageKey)} for ${esc(customerId)}.</p>`;
  const tasks = view.tasks ? renderCustomerTasks(view.tasks.list, view.tasks.page) : '';
  return `${form}${renderTimeline(timeline, (k) => whyHref(customerId, k))}${whyPart}${tasks}`;
}

/** The open message's content as delivered; or, when it was not read, the link to where it is kept. */
function contentPart(view: CustomerView, channel: Channel | 'preferred'): string {
  const outbox = view.outbox ?? '/_local/outbox';
  if (view.delivered) return renderDelivered(view.delivered, { inbox: view.inbox, outbox });
  return channel === 'email'
    ? `<p>Read it as the customer got it: <a href="${esc(view.inbox)}">the email inbox</a>.</p>`
    : `<p>Texts: <a href="${esc(outbox)}">the SMS outbox</a>.</p>`;
}

/** The customers using an address searched, each a link to their timeline; or none. */
function renderMatches({ channel, matches }: { channel: Channel; matches: readonly string[] }): string {
  const what = channel === 'email' ? 'email address' : 'phone number';
  if (matches.length === 0)
    return `<p class="none">No customer uses this ${what}${channel === 'email' ? ' (nor has it as id)' : ''}.</p>`;
  const links = matches.map(
    (id) => `<li><a href="/customers?${new URLSearchParams({ id }).toString()}">${esc(id)}</a></li>`,
  );
  return `<p>${matches.length} customers use this ${what}:</p><ul class="matches">${links.join('')}</ul>`;
}
