import type { Channel } from './config/ids';
import type { MessageCategory, MessagePriority } from './messages/policy';

/** `failed`: the send step gave up after its retries (see domain/messages/failure.ts); the journey went on. */
export type MessageStatus = 'sending' | 'sent' | 'skipped' | 'deferred' | 'in-doubt' | 'failed';
/**
 * Why a message did not go out now. `deferred` records carry `quiet-hours-deferred`, `send-window-deferred`
 * (outside the channel's open hours or in a closed period), `marketing-paused`
 * (after a complaint or a detractor score) or `provider-throttled`: those go out later, the others never.
 */
export const SKIP_REASONS = [
  'no-consent',
  'suppressed',
  'frequency-cap',
  'quiet-hours-deferred',
  'send-window-deferred',
  'marketing-paused',
  'no-address',
  'provider-throttled',
  'control-group',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
/**
 * Why a message is `in-doubt` (it may or may not have gone out; it is never sent again):
 * `provider-error`, the provider's answer was lost (a timeout, a reset connection after the request left);
 * `interrupted`, the sender stopped between the claim and the provider's answer (a Lambda timeout, a
 * killed process), see domain/messages/interrupted.ts. Records written before this field have none.
 */
export const IN_DOUBT_REASONS = ['provider-error', 'interrupted'] as const;
export type InDoubtReason = (typeof IN_DOUBT_REASONS)[number];

/** One message a journey step produced (or decided not to), keyed by execution and step. */
export interface MessageRecord {
  customerId: string;
  /** Deterministic per execution and step: the idempotency key of a send. */
  messageKey: string;
  journeyId: string;
  journeyVersion: number;
  stepId: string;
  executionId: string;
  /** `preferred` only on a `failed` record: the send gave up before it chose a channel. */
  channel: Channel | 'preferred';
  template: string;
  category: MessageCategory;
  topic?: string;
  priority?: MessagePriority;
  status: MessageStatus;
  reason?: SkipReason;
  /** For a message deferred by quiet hours: when it is tried again. */
  deferredUntil?: string;
  /** For a send the provider refused: when the first refusal came (the bound of domain/messages/throttle.ts). */
  throttledSince?: string;
  locale?: string;
  to?: string;
  subject?: string;
  /** SMS: how many parts (GSM-7 or UCS-2 segments) the text took; each is billed. */
  parts?: number;
  providerMessageId?: string;
  /** Why the send step gave up: the error's name only (its message may quote personal data). */
  error?: string;
  inDoubtReason?: InDoubtReason;
  /** Kept across deferrals: when the first attempt of this send wrote the record. */
  createdAt: string;
  /**
   * When the send claimed the message (status `sending`) just before calling the provider: a claim older
   * than the send's time limit has no live sender. Absent on records written before it existed.
   */
  claimedAt?: string;
  sentAt?: string;
}
