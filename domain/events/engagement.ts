import * as z from '../zod';
import { expect } from '../config/problems';
import { EVENT_IDENTITY } from './identity';
import { lineText } from './text';
import { ENGAGEMENT_TYPES } from './types';

export { ENGAGEMENT_TYPES, engagementSubject, isEngagementType, type EngagementType } from './types';

/**
 * The message an engagement event is about, as the send tagged it (SES message tags, End User Messaging
 * `Context`): its key (stepKey of the execution and the send step), journey and step. Never the address.
 */
export const EngagedMessage = z.strictObject({
  key: z.string().check(z.regex(/^[0-9a-f]{32}$/, expect('a Rapport message key (32 hex digits)'))),
  journeyId: lineText('a journey id', 64).check(z.minLength(1)),
  stepId: lineText('a step id', 64).check(z.minLength(1)),
});
export type EngagedMessage = z.infer<typeof EngagedMessage>;

/**
 * What a customer did with a message Rapport sent (issue 16): SES Delivery, Open and Click, End User
 * Messaging's TEXT_DELIVERED. Recorded by delivery-events from the provider's notification, never posted to
 * the events API; it changes no stage, no lastEvent and no consent, and resumes the waits for that message.
 */
export const EngagementEvent = z.strictObject({
  ...EVENT_IDENTITY,
  type: z.enum(ENGAGEMENT_TYPES),
  message: EngagedMessage,
  /** email-clicked: the link followed, as SES reports it (the original URL, before its rewriting). */
  link: z.optional(lineText('the link clicked', 2048)),
});
export type EngagementEvent = z.infer<typeof EngagementEvent>;
