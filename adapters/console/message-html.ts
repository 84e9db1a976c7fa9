import { assertNever } from '../../domain/assert-never';
import { escapeHtml as esc } from '../../functions/shared/http';

/** An email as the SES emulator keeps it: what the customer's mail client would show. */
export interface SentEmail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text?: string;
  html?: string;
}

/** A text message as the SMS outbox keeps it. */
export interface SentSms {
  messageId: string;
  at: string;
  to: string;
  body: string;
  /** Parts (segments) the body takes, each billed. */
  parts: number;
}

/** Whether SES tracks an email's opens and clicks, and the links it counts (local: what the buttons offer). */
export interface EmailTracking {
  tracked: boolean;
  links: string[];
}

/** A message's content as delivered, or why there is none to show. */
export type Delivered =
  | { kind: 'email'; email: SentEmail; tracking?: EmailTracking }
  | { kind: 'sms'; sms: SentSms }
  | { kind: 'absent'; why: string };

/** Where the inbox and the outbox are: each message's content links to the page that holds it. */
export interface DeliveredLinks {
  inbox: string;
  outbox: string;
}

/**
 * Put before the email's HTML: every link opens a new window, which the sandbox (no allow-popups) refuses,
 * so following an unsubscribe or a survey score from the console cannot act for the customer.
 */
export const INERT_LINKS = '<base target="_blank">';

/**
 * The content of one message as the customer got it, as an HTML fragment. Every value is escaped; the
 * email's HTML part is shown in a sandboxed iframe (no scripts, no forms, no same-origin access), given
 * as an escaped `srcdoc`, so markup in a subject, a name or a text stays text.
 */
export function renderDelivered(d: Delivered, links: DeliveredLinks): string {
  const open = `<section class="delivered delivered-${d.kind}"><h3>What the customer got</h3>`;
  switch (d.kind) {
    case 'email':
      return `${open}${emailHtml(d.email, links.inbox)}${d.tracking ? engagementActions(d.email.messageId, d.tracking) : ''}</section>`;
    case 'sms':
      return `${open}${smsHtml(d.sms, links.outbox)}</section>`;
    case 'absent':
      return `${open}<p class="none">${esc(d.why)}</p></section>`;
    default:
      return assertNever(d);
  }
}

function emailHtml(e: SentEmail, inbox: string): string {
  const rows = [
    ['Subject', e.subject],
    ['From', e.from],
    ['To', e.to.join(', ')],
  ]
    .map(
      ([name = '', value = '']) =>
        `<tr><th scope="row">${esc(name)}</th><td class="text">${esc(value)}</td></tr>`,
    )
    .join('');
  const text =
    e.text === undefined
      ? '<p class="none">No text part.</p>'
      : `<h4>Text part</h4><pre class="email-text">${esc(e.text)}</pre>`;
  const html =
    e.html === undefined
      ? '<p class="none">No HTML part.</p>'
      : `<h4>HTML part</h4><iframe class="email-html" title="The email's HTML part" sandbox referrerpolicy="no-referrer" srcdoc="${esc(INERT_LINKS + e.html)}"></iframe>` +
        '<p class="none">Its links do nothing here (an unsubscribe or survey link would act for the customer).</p>';
  return (
    `<table class="email-head">${rows}</table>${html}${text}` +
    `<p>In <a class="inbox-link" href="${esc(inbox)}">the email inbox</a> (newest first), as SES message ${esc(e.messageId)}.</p>`
  );
}

function smsHtml(s: SentSms, outbox: string): string {
  return (
    `<p>To ${esc(s.to)} at <time datetime="${esc(s.at)}">${esc(s.at)}</time>, ` +
    `${s.parts} part${s.parts === 1 ? '' : 's'}:</p><pre class="sms-body">${esc(s.body)}</pre>` +
    `<p>In <a class="outbox-link" href="${esc(outbox)}">the SMS outbox</a>, as message ${esc(s.messageId)}.</p>`
  );
}

/**
 * Local only: act as the customer would on this email. Each button POSTs to the runtime, which reports the
 * Open or the Click as SES would (through SNS to delivery-events), so journeys waiting for it move on.
 */
export const ENGAGE_PATH = '/_local/engage';

function engagementActions(messageId: string, t: EmailTracking): string {
  if (!t.tracked)
    return '<p class="none engage">Not open- or click-tracked (transactional, or its topic is untracked in settings.yaml `tracking`): SES reports no opens or clicks for it.</p>';
  const button = (label: string, fields: Record<string, string>) =>
    `<form method="post" action="${ENGAGE_PATH}" class="engage">` +
    Object.entries({ messageId, ...fields })
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
      .join('') +
    `<button type="submit">${esc(label)}</button></form>`;
  return (
    '<h4>Act as the customer (local only)</h4><div class="engage-actions">' +
    button('Open', { action: 'open' }) +
    t.links.map((link) => button(`Click ${link}`, { action: 'click', link })).join('') +
    '</div>'
  );
}
