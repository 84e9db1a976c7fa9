import type { Mailer, SmsSender } from '../domain/ports';
import type { Activity } from './activity';
import type { LocalSmsOutbox } from './sms-outbox';

/** What the local runtime remembers of an email it sent: what SES would report its events with. */
interface SentEmailFacts {
  to: string;
  tags: Record<string, string>;
  tracked: boolean;
  /** Its links that SES would click-track: every anchor but those marked `ses:no-track`. */
  links: string[];
  sentAt: Date;
}

/** How long after the send the local delivery is reported (a provider takes a moment; waits start first). */
export const LOCAL_DELIVERY_MS = 1_000;

/**
 * The provider's side of engagement on this machine: the SES emulator and the SMS outbox report nothing,
 * so this reports, through the same SNS → delivery-events path as AWS, a Delivery for every email accepted
 * (TEXT_DELIVERED for every text) a moment later, and the Open and Click the console's buttons ask for.
 * The notifications have the shapes SES and End User Messaging publish.
 */
export class LocalEngagement {
  private readonly emails = new Map<string, SentEmailFacts>();

  constructor(
    private readonly notify: (message: unknown) => Promise<unknown>,
    private readonly now: () => Date,
    private readonly activity: Activity,
    private readonly outbox: LocalSmsOutbox,
  ) {}

  mailer(inner: Mailer): Mailer {
    return {
      send: async (email) => {
        const sent = await inner.send(email);
        const facts: SentEmailFacts = {
          to: email.to,
          tags: email.tags,
          tracked: email.tracked === true,
          links: trackableLinks(email.html),
          sentAt: this.now(),
        };
        this.emails.set(sent.messageId, facts);
        this.later(() => this.notify(sesEvent('Delivery', sent.messageId, facts, this.now())));
        return sent;
      },
    };
  }

  sms(inner: SmsSender): SmsSender {
    return {
      send: async (sms) => {
        const sent = await inner.send(sms);
        const text = this.outbox.messages.find((m) => m.messageId === sent.messageId);
        if (text)
          this.later(() =>
            this.notify({
              eventType: 'TEXT_DELIVERED',
              eventVersion: '1.0',
              eventTimestamp: this.now().getTime(),
              isFinal: true,
              destinationPhoneNumber: text.to,
              messageId: text.messageId,
              messageType: text.messageType,
              messageStatus: 'DELIVERED',
              context: text.context,
            }),
          );
        return sent;
      },
    };
  }

  /** What the console offers for one email: whether SES would track it, and the links it would count. */
  tracking(messageId: string): { tracked: boolean; links: string[] } | undefined {
    const facts = this.emails.get(messageId);
    return facts && { tracked: facts.tracked, links: facts.links };
  }

  /** The customer opens the email (or clicks one of its links), as SES would report it. */
  async engage(messageId: string, action: { open: true } | { link: string }): Promise<unknown> {
    const facts = this.emails.get(messageId);
    if (!facts) throw new LocalEngagementError(`no email ${messageId} was sent by this runtime`);
    if (!facts.tracked)
      throw new LocalEngagementError('this email is not tracked (transactional, or its topic is untracked)');
    if ('link' in action && !facts.links.includes(action.link))
      throw new LocalEngagementError('that link is not one of the email’s tracked links');
    const type = 'link' in action ? 'Click' : 'Open';
    return this.activity.track(() =>
      this.notify(sesEvent(type, messageId, facts, this.now(), 'link' in action ? action.link : undefined)),
    );
  }

  /** After the send's own work, as a provider reports it: virtual time moves the delay, then waits for it. */
  private later(report: () => Promise<unknown>): void {
    this.activity.defer(LOCAL_DELIVERY_MS, report, () => {
      // delivery-events threw: on AWS SNS would retry and dead-letter it; here it is only lost, as its
      // handler's own log line says.
    });
  }
}

export class LocalEngagementError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalEngagementError';
  }
}

function sesEvent(
  type: 'Delivery' | 'Open' | 'Click',
  messageId: string,
  facts: SentEmailFacts,
  at: Date,
  link?: string,
): unknown {
  const timestamp = at.toISOString();
  const mail = {
    timestamp: facts.sentAt.toISOString(),
    messageId,
    destination: [facts.to],
    tags: Object.fromEntries(Object.entries(facts.tags).map(([k, v]) => [k, [v]])),
  };
  const detail =
    type === 'Delivery'
      ? { delivery: { timestamp, recipients: [facts.to], processingTimeMillis: LOCAL_DELIVERY_MS } }
      : type === 'Open'
        ? { open: { timestamp, ipAddress: '127.0.0.1', userAgent: 'Rapport local console' } }
        : { click: { timestamp, ipAddress: '127.0.0.1', userAgent: 'Rapport local console', link } };
  return { eventType: type, mail, ...detail };
}

/** The hrefs of an email's anchors that SES would rewrite: http(s) links not marked `ses:no-track`. */
export function trackableLinks(html: string): string[] {
  const links: string[] = [];
  for (const m of html.matchAll(/<a\b([^>]*)>/gi)) {
    const attrs = m[1] ?? '';
    if (/\bses:no-track\b/i.test(attrs)) continue;
    const href = /\bhref=(["'])(https?:[^"']*)\1/i.exec(attrs)?.[2];
    if (href) links.push(href.replace(/&amp;/g, '&'));
  }
  return [...new Set(links)];
}
