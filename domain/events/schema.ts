import { z } from 'zod';
import { Channel, Currency, Locale, Slug, TimeZone } from '../config/ids';
import { expect } from '../config/source';

/** The event types Rapport understands. Journeys may start on any of them. */
export const EVENT_TYPES = ['purchase', 'profile'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const Timestamp = z.iso.datetime({
  offset: true,
  error: 'expected: an ISO 8601 timestamp with a time zone, e.g. "2026-11-22T10:00:00Z"',
});

const ConsentStatus = z.enum(['subscribed', 'unsubscribed'], expect('"subscribed" or "unsubscribed"'));

/** A consent choice the customer made elsewhere (a sign-up form, a branch, a call centre). */
export const ConsentUpdate = z.strictObject({
  email: ConsentStatus.optional(),
  sms: ConsentStatus.optional(),
  topics: z
    .record(Slug, ConsentStatus)
    .refine((r) => Object.keys(r).length <= 20, expect('at most 20 topics'))
    .optional(),
});
export type ConsentUpdate = z.infer<typeof ConsentUpdate>;

/** Customer attributes an event may carry; they update the profile. */
export const CustomerAttributes = z.strictObject({
  email: z.email(expect('an email address such as "li@example.com"')).max(254).optional(),
  phone: z
    .string(expect('a phone number in E.164 form, e.g. "+8613800138000"'))
    .regex(/^\+[1-9]\d{6,14}$/, expect('a phone number in E.164 form, e.g. "+8613800138000"'))
    .optional(),
  preferredChannel: Channel.optional(),
  consent: ConsentUpdate.optional(),
  firstName: z.string(expect('text')).max(100, expect('at most 100 characters')).optional(),
  locale: Locale.optional(),
  timeZone: TimeZone.optional(),
  attributes: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, expect('an attribute name of letters, digits and _')),
      z.union(
        [z.string().max(256), z.number().finite(), z.boolean()],
        expect('a text, number or true/false value'),
      ),
    )
    .refine((r) => Object.keys(r).length <= 50, expect('at most 50 attributes'))
    .optional(),
});
export type CustomerAttributes = z.infer<typeof CustomerAttributes>;

const base = {
  eventId: z
    .string(expect('a unique event id (text, 1–128 characters) chosen by the sender, e.g. "order-123"'))
    .min(1, expect('a unique event id (text, 1–128 characters)'))
    .max(128, expect('an event id of at most 128 characters')),
  customerId: z
    .string(expect('the customer id (text, 1–128 characters), e.g. "c-42"'))
    .min(1, expect('the customer id (text, 1–128 characters)'))
    .max(128, expect('a customer id of at most 128 characters'))
    .regex(/^[A-Za-z0-9._:@-]+$/, expect('a customer id made of letters, digits and . _ : @ -')),
  at: Timestamp,
  customer: CustomerAttributes.optional(),
};

export const PurchaseEvent = z.strictObject({
  ...base,
  type: z.literal('purchase'),
  amount: z
    .number(expect('the purchase amount as a number, e.g. 19.9'))
    .nonnegative(expect('an amount of 0 or more'))
    .finite(expect('a finite amount')),
  currency: Currency,
  orderId: z.string().max(128).optional(),
});
export type PurchaseEvent = z.infer<typeof PurchaseEvent>;

/** Updates the customer's attributes without any business event. */
export const ProfileEvent = z.strictObject({ ...base, type: z.literal('profile') });
export type ProfileEvent = z.infer<typeof ProfileEvent>;

export const CustomerEvent = z.discriminatedUnion('type', [PurchaseEvent, ProfileEvent], {
  error: `expected: an event type, one of ${EVENT_TYPES.map((t) => `"${t}"`).join(', ')}`,
});
export type CustomerEvent = z.infer<typeof CustomerEvent>;

/**
 * A request to forget a customer (the right to erasure), as an event: the same as `DELETE /customers/{id}`.
 * Not a CustomerEvent: it starts no journey and changes no profile; it removes them.
 */
export const ErasureRequest = z.strictObject({
  eventId: base.eventId,
  customerId: base.customerId,
  at: base.at,
  type: z.literal('erase'),
});
export type ErasureRequest = z.infer<typeof ErasureRequest>;

/** What ingest accepts: customer events, and erasure requests. */
export const IncomingEvent = z.discriminatedUnion('type', [PurchaseEvent, ProfileEvent, ErasureRequest], {
  error: `expected: an event type, one of ${[...EVENT_TYPES, 'erase'].map((t) => `"${t}"`).join(', ')}`,
});
export type IncomingEvent = z.infer<typeof IncomingEvent>;
