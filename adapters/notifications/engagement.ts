import { createHash } from 'node:crypto';
import * as z from '../../domain/zod';
import { EngagementEvent, type EngagementType } from '../../domain/events/engagement';
import { customerFromTag } from '../../domain/messages/customer-tag';

/**
 * SES Delivery, Open and Click events and End User Messaging SMS delivery events, as engagement events
 * attributed to the message through what the send tagged it with (SES message tags come back as
 * `mail.tags`, SMS `Context` as `context`): no lookup. Each event id is derived from the notification
 * itself, so an SNS redelivery is the same event and ingest counts it once.
 */
const SES_TYPES: Record<string, EngagementType> = {
  Delivery: 'email-delivered',
  Open: 'email-opened',
  Click: 'email-clicked',
};

/** What an SES event carries that engagement reads. */
export const SesEngagement = z.looseObject({
  delivery: z.optional(z.looseObject({ timestamp: z.string() })),
  open: z.optional(z.looseObject({ timestamp: z.string() })),
  click: z.optional(z.looseObject({ timestamp: z.string(), link: z.string() })),
});

export const SmsDeliveryEvent = z.looseObject({
  eventType: z.enum(['TEXT_DELIVERED', 'TEXT_SUCCESSFUL']),
  eventTimestamp: z.number(),
  messageId: z.string().check(z.minLength(1)),
  context: z.optional(z.record(z.string(), z.string())),
});

export type EngagementOutcome =
  { kind: 'engagement'; event: EngagementEvent } | { kind: 'ignored'; why: string };

type Tags = Record<string, string | undefined>;

/** An SES event of a Rapport email as an engagement event; `ignored` for another type or an untagged email. */
export function sesEngagement(
  type: string | undefined,
  mail: { messageId: string; tags?: Record<string, string[]> | undefined },
  data: z.infer<typeof SesEngagement>,
): EngagementOutcome | undefined {
  const engagement = type === undefined ? undefined : SES_TYPES[type];
  if (!engagement || type === undefined) return undefined;
  const detail = { 'email-delivered': data.delivery, 'email-opened': data.open, 'email-clicked': data.click }[
    engagement as 'email-delivered'
  ];
  if (!detail) return { kind: 'ignored', why: `an SES ${type} event without its ${type.toLowerCase()} part` };
  const at = new Date(detail.timestamp);
  const link = data.click?.link;
  const tags = Object.fromEntries(Object.entries(mail.tags ?? {}).map(([k, v]) => [k, v[0]]));
  const id =
    engagement === 'email-delivered'
      ? `ses:delivery:${mail.messageId}`
      : `ses:${type.toLowerCase()}:${mail.messageId}:${at.getTime()}${link ? `:${shortHash(link)}` : ''}`;
  return attributed(engagement, id, at, tags, engagement === 'email-clicked' ? link : undefined);
}

/** An End User Messaging SMS delivery event (TEXT_DELIVERED or TEXT_SUCCESSFUL: one per message). */
export function smsEngagement(data: z.infer<typeof SmsDeliveryEvent>): EngagementOutcome {
  const tags: Tags = { ...data.context, message: data.context?.messageKey };
  return attributed('sms-delivered', `sms:delivered:${data.messageId}`, new Date(data.eventTimestamp), tags);
}

function attributed(
  type: EngagementType,
  eventId: string,
  at: Date,
  tags: Tags,
  link?: string,
): EngagementOutcome {
  const customerId = tags.customer === undefined ? undefined : customerFromTag(tags.customer);
  const event = EngagementEvent.safeParse({
    eventId,
    customerId,
    at: Number.isNaN(at.getTime()) ? undefined : at.toISOString(),
    type,
    message: { key: tags.message, journeyId: tags.journey, stepId: tags.step },
    ...(link === undefined ? {} : { link }),
  });
  // Not a Rapport message (no tags), or one sent before messages were tagged with their key.
  if (!event.success)
    return { kind: 'ignored', why: `a ${type} event of a message Rapport cannot attribute` };
  return { kind: 'engagement', event: event.data };
}

const shortHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
