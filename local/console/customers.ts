import { renderTimeline, renderWhy } from '../../adapters/console/timeline-html';
import type { Timeline } from '../../domain/console/timeline';
import { latestMessage, why } from '../../domain/console/why';
import { escapeHtml as esc } from '../../functions/shared/http';

/** What the customer page shows: the id asked for, their timeline, and the message whose "why" is open. */
export interface CustomerView {
  customerId: string | undefined;
  timeline: Timeline | undefined;
  messageKey: string | undefined;
  /** The email inbox (SES emulator), where each email sent can be read as the customer got it. */
  inbox: string;
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
    `<label>Customer id <input name="id" value="${esc(view.customerId ?? '')}" autofocus></label> ` +
    `<button type="submit">Show timeline</button></form>`;
  if (view.customerId === undefined) return form;
  const { timeline, customerId } = view;
  if (!timeline || timeline.entries.length === 0)
    return `${form}<p class="none">No customer ${esc(customerId)} in the store.</p>`;
  const key = view.messageKey ?? latestMessage(timeline)?.messageKey;
  const answer = key === undefined ? undefined : why(timeline, key);
  const whyPart = answer
    ? `<h2 id="why">Why this message</h2>${renderWhy(answer)}` +
      (answer.message.channel === 'email'
        ? `<p>Read it as the customer got it: <a href="${esc(view.inbox)}">the email inbox</a>.</p>`
        : '<p>Texts: <a href="/_local/outbox">the SMS outbox</a>.</p>')
    : view.messageKey === undefined
      ? ''
      : `<p class="bad">No message ${esc(view.messageKey)} for ${esc(customerId)}.</p>`;
  return `${form}${renderTimeline(timeline, (k) => whyHref(customerId, k))}${whyPart}`;
}
