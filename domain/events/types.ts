import type { CustomerEvent, CustomEvent, ErasureRequest, IncomingEvent } from './schema';

/**
 * The event types Rapport understands. Journeys may start on any of them. Apart from the event schemas
 * (./schema.ts) so that a handler that only reads conditions on the latest event type does not build them.
 */
export const EVENT_TYPES = ['purchase', 'profile', 'feedback', 'complaint'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What a customer did with a message Rapport sent (./engagement.ts): recorded by Rapport itself. */
export const ENGAGEMENT_TYPES = [
  'email-delivered',
  'email-opened',
  'email-clicked',
  'sms-delivered',
] as const;
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];

/** Whether a type names an engagement event: waits for these are for one message. */
export function isEngagementType(type: string): type is EngagementType {
  return (ENGAGEMENT_TYPES as readonly string[]).includes(type);
}

/** Where a wait for one message's engagement is filed (AwaitRecord.awaitKey's prefix, see resumeWaits). */
export function engagementSubject(type: string, messageKey: string): string {
  return `${type}#${messageKey}`;
}

/** An engagement event among customer events (its type says so: no declared event may take the name). */
export function isEngagement(e: CustomerEvent): e is Extract<CustomerEvent, { message: unknown }> {
  return isEngagementType(e.type);
}

/**
 * An event that may change the profile: every customer event but an engagement, which changes no stage
 * or tier and whose profile ingest does not write (applyToProfile in domain/ingest.ts).
 */
export type BusinessEvent = Exclude<CustomerEvent, { message: unknown }>;

/** Tells a declared event from a built-in one (only declared events carry `properties`). */
export function isCustomEvent(e: IncomingEvent | CustomerEvent): e is CustomEvent {
  return 'properties' in e && isCustomType(e.type);
}

/** An erasure request among incoming events (no declared event may be named `erase`). */
export function isErasure(e: IncomingEvent): e is ErasureRequest {
  return e.type === 'erase' && !isCustomEvent(e);
}

// Literal arrays (no spread): a bundle that does not use them leaves them out (issue 13's byte ceilings).
/** Names Rapport uses beside the built-in types: an erasure request, the sweeper's triggers, engagement. */
const OTHER_RESERVED_NAMES: readonly string[] = [
  'erase',
  'timer',
  'date',
  'email-delivered',
  'email-opened',
  'email-clicked',
  'email-bounced',
  'email-complained',
  'sms-delivered',
  'sms-failed',
];

/**
 * Names a custom event may not take: the built-in types, an erasure request, what the sweeper starts
 * journeys with, and the engagement events Rapport records itself (issue 16): one name, one meaning.
 */
export function reservedEventNames(): string[] {
  return [...EVENT_TYPES, ...OTHER_RESERVED_NAMES];
}

/** Whether an event type is one a project declares (not one Rapport knows itself). */
export function isCustomType(type: string): boolean {
  return !(EVENT_TYPES as readonly string[]).includes(type) && !OTHER_RESERVED_NAMES.includes(type);
}

/** A property an event carries, as a condition on the entry event sees it (see custom.ts for declared ones). */
export interface EventProperty {
  type: 'string' | 'number' | 'boolean' | 'date';
  personal: boolean;
}

/**
 * What each built-in event carries that a journey starting on it may test (`event: { amount: { gte: 100 } }`),
 * described as a declared event's properties are. Free text the customer wrote is personal data.
 */
export const BUILT_IN_PROPERTIES: Record<EventType, Record<string, EventProperty>> = {
  purchase: {
    amount: { type: 'number', personal: false },
    currency: { type: 'string', personal: false },
    orderId: { type: 'string', personal: false },
  },
  profile: {},
  feedback: {
    survey: { type: 'string', personal: false },
    score: { type: 'number', personal: false },
    sentiment: { type: 'string', personal: false },
    comment: { type: 'string', personal: true },
  },
  complaint: {
    sentiment: { type: 'string', personal: false },
    text: { type: 'string', personal: true },
  },
};
