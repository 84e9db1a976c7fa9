import * as z from '../../domain/zod';
import { zodProblems } from '../../domain/config/problems';
import { InvalidEventError } from '../../domain/errors';
import type { SuppressRequest } from '../../domain/messages/suppress';
import { customerFromTag } from '../../domain/messages/customer-tag';
import type { EngagementEvent } from '../../domain/events/engagement';
import { SesEngagement, sesEngagement, SmsDeliveryEvent, smsEngagement } from './engagement';

/**
 * The notifications Rapport listens to on SNS, reduced to what they mean for consent:
 * - SES event publishing (configuration set → SNS) and SES identity notifications: a permanent bounce or a
 *   complaint suppresses the address. Transient bounces and deliveries change nothing.
 * - End User Messaging SMS two-way messages (inbound texts → SNS): an opt-out keyword suppresses the number.
 * - SES Delivery, Open and Click, and End User Messaging SMS delivery events: engagement events
 *   (./engagement.ts), recorded as the customer's events and answering the journeys waiting for them.
 */
const Recipients = z
  .array(z.looseObject({ emailAddress: z.string().check(z.minLength(3)) }))
  .check(z.minLength(1));

const SesNotification = z.looseObject({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: z.looseObject({
    messageId: z.string(),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(
    z.looseObject({
      bounceType: z.string(),
      feedbackId: z.optional(z.string()),
      bouncedRecipients: Recipients,
    }),
  ),
  complaint: z.optional(
    z.looseObject({ feedbackId: z.optional(z.string()), complainedRecipients: Recipients }),
  ),
});
type SesNotification = z.infer<typeof SesNotification>;

const InboundSms = z.looseObject({
  originationNumber: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/)),
  messageBody: z.string(),
  inboundMessageId: z.optional(z.string()),
});
type InboundSms = z.infer<typeof InboundSms>;

/** The keywords carriers and End User Messaging treat as opt-out, plus the usual Chinese ones (TD = 退订). */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'OPT-OUT',
  'REVOKE',
  'ARRET',
  'TD',
  'T',
  '退订',
  '取消',
] as const;

const firstWord = (text: string) => text.trim().split(/\s+/)[0]?.toUpperCase() ?? '';

/** Whether a reply opts out: its first word is one of the keywords, in any case. */
export function isOptOutKeyword(text: string): boolean {
  return (OPT_OUT_KEYWORDS as readonly string[]).includes(firstWord(text));
}

export type Notification =
  | { kind: 'suppress'; request: SuppressRequest }
  | { kind: 'engagement'; event: EngagementEvent }
  | { kind: 'ignored'; why: string };

/** Reads one SNS message body. Throws InvalidEventError for something that is none of the above. */
export function parseNotification(message: string, source = 'SNS message'): Notification[] {
  const data = readJson(message, source);
  const inbound = InboundSms.safeParse(data);
  if (inbound.success) return smsReply(inbound.data);
  const smsDelivery = SmsDeliveryEvent.safeParse(data);
  if (smsDelivery.success) return [smsEngagement(smsDelivery.data)];
  const ses = SesNotification.safeParse(data);
  if (!ses.success)
    throw new InvalidEventError(
      'Not an SES notification nor an inbound SMS',
      zodProblems(ses.error, data, { source }),
    );
  const n = ses.data;
  const type = n.eventType ?? n.notificationType;
  const engaged = sesEngagement(type, n.mail, SesEngagement.parse(data));
  if (engaged) return [engaged];
  return sesFeedback(n, type);
}

function readJson(message: string, source: string): unknown {
  try {
    return JSON.parse(message);
  } catch (e) {
    throw new InvalidEventError(
      'Unreadable notification',
      [{ source, field: '', value: message.slice(0, 80), expected: 'a JSON object' }],
      { cause: e },
    );
  }
}

/** A text from a customer: an opt-out keyword suppresses the number it came from. */
function smsReply(inbound: InboundSms): Notification[] {
  const keyword = firstWord(inbound.messageBody);
  if (!isOptOutKeyword(inbound.messageBody))
    return [{ kind: 'ignored', why: 'an inbound text that is not an opt-out keyword' }];
  return [
    {
      kind: 'suppress',
      request: {
        channel: 'sms',
        address: inbound.originationNumber,
        reason: 'opt-out',
        source: `sms:keyword:${keyword}`,
      },
    },
  ];
}

/** A bounce or complaint suppresses each address it names; anything else SES tells is ignored. */
function sesFeedback(n: SesNotification, type: string | undefined): Notification[] {
  const customerIds = (n.mail.tags?.customer ?? []).flatMap((t) => customerFromTag(t) ?? []);
  const suppress = (
    emails: { emailAddress: string }[],
    reason: 'bounce' | 'complaint',
    feedbackId?: string,
  ) =>
    emails.map((r): Notification => ({
      kind: 'suppress',
      request: {
        channel: 'email',
        address: bareAddress(r.emailAddress),
        reason,
        source: `ses:${reason}:${feedbackId ?? n.mail.messageId}`,
        customerIds,
      },
    }));
  if (type === 'Bounce' && n.bounce) {
    // A transient bounce (mailbox full, greylisting) may go away: SES retries it; only permanent ones stop us.
    if (n.bounce.bounceType !== 'Permanent')
      return [{ kind: 'ignored', why: `a ${n.bounce.bounceType} bounce` }];
    return suppress(n.bounce.bouncedRecipients, 'bounce', n.bounce.feedbackId);
  }
  if (type === 'Complaint' && n.complaint)
    return suppress(n.complaint.complainedRecipients, 'complaint', n.complaint.feedbackId);
  return [{ kind: 'ignored', why: `an SES ${type ?? 'notification'} event` }];
}

/** `"Li Wei" <li@example.com>` → li@example.com: recipients may carry display names. */
function bareAddress(address: string): string {
  return /<([^>]+)>/.exec(address)?.[1] ?? address;
}
