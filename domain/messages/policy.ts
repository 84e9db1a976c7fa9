import type { Channel } from '../config/ids';
import { durationSeconds } from '../config/duration';
import type { ConsentPolicy } from '../config/consent-modes';
import type { FrequencyCap, Pacing, QuietHours } from '../config/settings';
import type { SkipReason } from '../ports';
import { mayMarketOn, topicConsent } from '../profile/consent';
import type { Profile } from '../profile/profile';
import { localParts, minuteOfDay, nextWallInstant, utcDay } from '../time/zoned';
import { hash } from 'node:crypto';

/**
 * The rules that keep a customer's trust, as pure functions: who may be contacted on which channel, when,
 * and how often. The send-message task applies them in this order: reach (address, suppression,
 * consent), quiet hours, frequency caps.
 */
export type MessageCategory = 'marketing' | 'transactional';
export type MessagePriority = 'normal' | 'high';
export type RequestedChannel = Channel | 'preferred';

export type Reach =
  { ok: true; channel: Channel; to: string } | { ok: false; channel: Channel; reason: SkipReason };

export function addressOn(profile: Profile, channel: Channel): string | undefined {
  return channel === 'email' ? profile.email : profile.phone;
}

/**
 * Whether the message may reach the customer on this channel. A suppression (hard bounce, complaint, STOP)
 * stops every message, transactional too; missing consent stops marketing only: an opt-out always, no
 * answer on a channel whose policy needs an explicit opt-in (SMS by default).
 */
export function reachOn(
  profile: Profile,
  channel: Channel,
  message: { category: MessageCategory; topic?: string | undefined },
  suppressedAddresses: ReadonlySet<Channel>,
  policy: ConsentPolicy,
): Reach {
  const to = addressOn(profile, channel);
  if (!to) return { ok: false, channel, reason: 'no-address' };
  if (profile.suppressed?.[channel] || suppressedAddresses.has(channel))
    return { ok: false, channel, reason: 'suppressed' };
  if (message.category === 'marketing') {
    if (!mayMarketOn(profile, channel, policy)) return { ok: false, channel, reason: 'no-consent' };
    if (message.topic !== undefined && topicConsent(profile, message.topic) === 'unsubscribed')
      return { ok: false, channel, reason: 'no-consent' };
  }
  return { ok: true, channel, to };
}

/**
 * The address-level suppression list is keyed by a hash of the normalised address: it outlives the
 * profile (an erased customer is never contacted again) without keeping the address itself.
 */
export function suppressionKey(channel: Channel, address: string): string {
  const normal = channel === 'email' ? address.trim().toLowerCase() : address.replace(/[^\d+]/g, '');
  return hash('sha256', `${channel}:${normal}`, 'hex');
}

/** The channels to try, in order: the one asked for, or the customer's preferred one then the other. */
export function channelOrder(profile: Profile, requested: RequestedChannel): Channel[] {
  if (requested !== 'preferred') return [requested];
  const first = profile.preferredChannel ?? 'email';
  return [first, first === 'email' ? 'sms' : 'email'];
}

/** The first channel that reaches the customer; if none does, why the first one did not. */
export function chooseChannel(
  profile: Profile,
  requested: RequestedChannel,
  message: { category: MessageCategory; topic?: string | undefined },
  suppressedAddresses: ReadonlySet<Channel>,
  policy: ConsentPolicy,
): Reach {
  const tried = channelOrder(profile, requested).map((c) =>
    reachOn(profile, c, message, suppressedAddresses, policy),
  );
  return tried.find((r) => r.ok) ?? tried[0]!;
}

/**
 * If `now` falls in the quiet hours of `timeZone`, the instant they end (the next local `to`, across DST
 * changes); otherwise undefined. Quiet hours may span midnight (21:00–09:00) or not (12:00–14:00).
 * When `to` falls in a spring-forward gap, the instant given is the first after the gap, which may be
 * quiet again (03:00–02:00 on such a day): ask again from it until undefined, as sendWindowWait does.
 */
export function quietUntil(now: Date, timeZone: string, quiet: QuietHours): Date | undefined {
  const local = localParts(now, timeZone);
  const at = local.hour * 60 + local.minute;
  const from = minuteOfDay(quiet.from);
  const to = minuteOfDay(quiet.to);
  const spansMidnight = from > to;
  const quietNow = spansMidnight ? at >= from || at < to : at >= from && at < to;
  if (!quietNow) return undefined;
  const endsTomorrow = spansMidnight && at >= from;
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + (endsTomorrow ? 1 : 0)));
  const end = { ...utcDay(day), hour: Math.floor(to / 60), minute: to % 60 };
  return nextWallInstant(now, local, end, timeZone);
}

/** One marketing message counted against a customer's frequency caps. */
export interface PacedSend {
  messageKey: string;
  channel: Channel;
  at: string;
  priority: MessagePriority;
  /** The execution that sent it (its ARN): a goal event is attributed to the journey that wrote last. */
  executionArn?: string;
}

/** The marketing messages one customer received inside the longest cap window. `version` guards writes. */
export interface PacingRecord {
  customerId: string;
  sends: PacedSend[];
  version: number;
}

export type Admission =
  | { admitted: true; record: PacingRecord; changed: boolean }
  | { admitted: false; cap: FrequencyCap; count: number };

/**
 * Whether one more marketing message fits every cap. A message already counted (a retry of the same
 * send) is admitted again without counting twice. A `normal` message may not take the slots a cap
 * reserves for `high` ones.
 */
export function admit(current: PacingRecord, send: PacedSend, pacing: Pacing, now: Date): Admission {
  if (current.sends.some((s) => s.messageKey === send.messageKey))
    return { admitted: true, record: current, changed: false };
  const since = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
  const kept = current.sends.filter((s) => s.at > since(pacingWindowSeconds(pacing)));
  for (const cap of pacing.caps) {
    const from = since(durationSeconds(cap.per));
    const count = kept.filter(
      (s) => s.at > from && (cap.channel === 'any' || cap.channel === s.channel),
    ).length;
    const applies = cap.channel === 'any' || cap.channel === send.channel;
    const limit = send.priority === 'high' ? cap.max : cap.max - cap.reservedForHigh;
    if (applies && count >= limit) return { admitted: false, cap, count };
  }
  return {
    admitted: true,
    changed: true,
    record: { ...current, sends: [...kept, send], version: current.version + 1 },
  };
}

export function emptyPacing(customerId: string): PacingRecord {
  return { customerId, sends: [], version: 0 };
}

/** Gives a slot back: the provider refused the message before accepting it. */
export function withdraw(record: PacingRecord, messageKey: string): PacingRecord {
  return {
    ...record,
    sends: record.sends.filter((s) => s.messageKey !== messageKey),
    version: record.version + 1,
  };
}

/**
 * The longest cap window: sends older than this no longer count for anything. Here rather than beside the
 * settings' schemas, which a send does not build (it is given settings already read).
 */
function pacingWindowSeconds(pacing: Pacing): number {
  return Math.max(0, ...pacing.caps.map((c) => durationSeconds(c.per)));
}
