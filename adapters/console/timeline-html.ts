import { escapeHtml as esc } from '../../functions/shared/http';
import { describeEntry } from '../../domain/console/describe';
import type { Timeline, TimelineEntry } from '../../domain/console/timeline';
import type { Why } from '../../domain/console/why';
import { DETAIL, whyLines } from '../../domain/console/why';

/**
 * A customer's timeline as an HTML fragment (an ordered list, oldest first) for the console to mount.
 * Every value is escaped: event ids, subjects and feedback text come from outside. Nothing is logged.
 */
export function renderTimeline(timeline: Timeline, messageHref?: (messageKey: string) => string): string {
  const items = timeline.entries.map((e) => entryHtml(e, messageHref)).join('\n');
  return (
    `<section class="timeline" data-customer="${esc(timeline.customerId)}">\n` +
    `<h2>Customer ${esc(timeline.customerId)}</h2>\n<ol>\n${items}\n</ol>\n</section>`
  );
}

/** One entry; a message links to its "why" when `messageHref` is given. */
function entryHtml(e: TimelineEntry, messageHref?: (messageKey: string) => string): string {
  const key = e.type === 'message' ? ` data-message="${esc(e.message.messageKey)}"` : '';
  const status = e.type === 'message' ? ` data-status="${esc(e.message.status)}"` : '';
  const text = esc(describeEntry(e));
  const body =
    e.type === 'message' && messageHref
      ? `<a class="why-link" href="${esc(messageHref(e.message.messageKey))}">${text}</a>`
      : text;
  return `<li class="entry entry-${e.type}"${key}${status}><time datetime="${esc(e.at)}">${esc(e.at)}</time> ${body}</li>`;
}

/** The "why" of one message as an HTML fragment: the same lines `rapport why` prints. */
export function renderWhy(answer: Why): string {
  const [title = '', ...steps] = whyLines(answer);
  return (
    `<section class="why" data-message="${esc(answer.message.messageKey)}">\n<h3>${esc(title)}</h3>\n<ol>\n` +
    steps
      .map((s) => `<li${s.startsWith(DETAIL) ? ' class="why-detail"' : ''}>${esc(s.trim())}</li>`)
      .join('\n') +
    '\n</ol>\n</section>'
  );
}
