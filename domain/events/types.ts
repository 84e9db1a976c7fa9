/**
 * The event types Rapport understands. Journeys may start on any of them. Apart from the event schemas
 * (./schema.ts) so that a handler that only reads conditions on the latest event type does not build them.
 */
export const EVENT_TYPES = ['purchase', 'profile', 'feedback', 'complaint'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
