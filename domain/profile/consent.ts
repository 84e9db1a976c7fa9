import type { Channel } from '../config/ids';
import type { ConsentMode, ConsentPolicy } from '../config/consent-modes';
import { instant } from '../time/instant';
import { withConsentChanges, withSuppressionChanges } from './histories';
import type {
  ConsentChangeRecord,
  ConsentRecord,
  ConsentScope,
  ConsentStatus,
  Profile,
  Suppression,
} from './profile';

/** A change of consent as an event, the preference centre or an unsubscribe link states it. */
export interface ConsentChange {
  email?: ConsentStatus;
  sms?: ConsentStatus;
  topics?: Record<string, ConsentStatus>;
}

/** The source of the consent a new profile starts with (see newProfile). */
export const IMPLIED = 'default';

/**
 * A consent as conditions and the send policy read it: a choice the customer stated (`subscribed`,
 * `unsubscribed`), or `unknown` when they never answered (no record, or the implied one of first contact).
 */
export type ConsentState = ConsentStatus | 'unknown';

export const CONSENT_STATES = ['subscribed', 'unknown', 'unsubscribed'] as const;

const stateOf = (r: ConsentRecord | undefined): ConsentState =>
  !r || r.source === IMPLIED ? 'unknown' : r.status;

export function channelConsent(profile: Profile, channel: Channel): ConsentState {
  return stateOf(profile.consent[channel]);
}

export function topicConsent(profile: Profile, topic: string): ConsentState {
  return stateOf(profile.consent.topics?.[topic]);
}

/**
 * What the policy asks of marketing on `channel` for this customer's market: their locale's own rule
 * (de-DE), else their language's (de), else the channel's.
 */
export function consentMode(
  policy: ConsentPolicy,
  channel: Channel,
  locale: string | undefined,
): ConsentMode {
  const rules = new Map(Object.entries(policy.byLocale).map(([k, v]) => [k.toLowerCase(), v]));
  const tag = locale?.toLowerCase();
  const language = tag?.split('-')[0];
  const market = (tag && rules.get(tag)?.[channel]) ?? (language && rules.get(language)?.[channel]);
  return market || policy[channel];
}

/**
 * Whether marketing may go out on `channel`: never after an opt-out; with an explicit opt-in always; with
 * no answer only where the policy implies consent. Topics are opt-out only (a channel's opt-in covers them).
 */
export function mayMarketOn(profile: Profile, channel: Channel, policy: ConsentPolicy): boolean {
  const state = channelConsent(profile, channel);
  if (state === 'unknown') return consentMode(policy, channel, profile.locale) === 'implied';
  return state === 'subscribed';
}

/**
 * The latest instant a stated record was said: when it was made, or restated since, but never later than
 * `live` (see applyConsent).
 */
const saidAt = (r: ConsentRecord, live: number) =>
  Math.min(live, Math.max(instant(r.at), r.confirmedAt ? instant(r.confirmedAt) : 0));

/**
 * One scope's record after a choice stated at `at`: `changed` when the choice is new (history), the same
 * record when the choice is older than the latest one said, or the record confirmed as of `at` when it
 * restates it (not history: nothing changed, and its date and source stay the evidence of the choice).
 */
function pickRecord(
  current: ConsentRecord | undefined,
  status: ConsentStatus,
  at: string,
  source: string,
  live: number,
): { record: ConsentRecord | undefined; changed: boolean } {
  // The implied consent of first contact is no choice at all: any stated choice replaces it, the same
  // status too (an opt-in must be on record, or an older opt-out arriving later would win).
  const stated = current && current.source !== IMPLIED ? current : undefined;
  if (!stated) return { record: { status, at, source }, changed: true };
  // Compared as instants ('…:00Z' and '…:00.000Z' are one time); at the same instant an opt-out wins,
  // whichever arrives first. A restatement counts: opt-out, opt-out again, then a late opt-in between them
  // leaves the customer opted out, as the same choices in their own order would.
  const kept = saidAt(stated, live) - instant(at);
  if (kept > 0 || (kept === 0 && stated.status === 'unsubscribed'))
    return { record: current, changed: false };
  if (stated.status !== status) return { record: { status, at, source }, changed: true };
  return { record: kept < 0 ? { ...stated, confirmedAt: at } : current, changed: false };
}

/**
 * Applies a consent change stated at `at`. A choice older than the latest one said is ignored, so events
 * arriving out of order leave the latest choice in place: events are ordered by their own times, as their
 * source stated them (a source whose clock runs fast keeps its own order).
 * `live` is for a choice the customer makes in Rapport itself, now (the unsubscribe link, the preference
 * centre): every record on file counts as said no later than `live`, since it was on file by then. An
 * event dated ahead (a source's clock, within ingest's accepted skew) thus cannot outrank the customer's
 * own click; at the same instant an opt-out wins.
 * Returns the same object when nothing changed.
 * Each change of a record is appended to `consentHistory`, in the same write: the history is what the
 * record has been, so a choice ignored here (older than the one on record, or the same as it) is not
 * history either, and the last entry of a scope is always its record.
 */
export function applyConsent(
  profile: Profile,
  change: ConsentChange,
  at: string,
  source: string,
  live?: Date,
): Profile {
  const liveAt = live?.getTime() ?? Number.POSITIVE_INFINITY;
  const changes: ConsentChangeRecord[] = [];
  let touched = false;
  const pick = (
    scope: ConsentScope,
    current: ConsentRecord | undefined,
    status: ConsentStatus | undefined,
  ) => {
    if (status === undefined) return current;
    const { record, changed } = pickRecord(current, status, at, source, liveAt);
    if (changed) changes.push({ scope, status, at, source });
    touched ||= record !== current;
    return record;
  };
  const email = pick('email', profile.consent.email, change.email) ?? profile.consent.email;
  const sms = pick('sms', profile.consent.sms, change.sms);
  const topics = { ...profile.consent.topics };
  for (const [topic, status] of Object.entries(change.topics ?? {})) {
    const next = pick(`topic:${topic}`, topics[topic], status);
    if (next) topics[topic] = next;
  }
  if (!touched) return profile;
  return {
    ...profile,
    ...(changes.length ? { consentHistory: withConsentChanges(profile, changes) } : {}),
    consent: {
      email,
      ...(sms ? { sms } : {}),
      ...(Object.keys(topics).length ? { topics } : {}),
    },
  };
}

/** Records an email opt-out. Idempotent: an opted-out profile is returned unchanged (same version). */
export function unsubscribeEmail(profile: Profile, now: Date, source: string): Profile {
  return bump(applyConsent(profile, { email: 'unsubscribed' }, now.toISOString(), source, now), profile, now);
}

/** Marks the channel's current address as never to be used again. Idempotent like unsubscribeEmail. */
export function suppressChannel(
  profile: Profile,
  channel: Channel,
  suppression: Suppression,
  now: Date,
): Profile {
  if (profile.suppressed?.[channel]) return profile;
  const marked = { channel, change: 'suppressed' as const, ...suppression };
  return bump(
    {
      ...profile,
      suppressed: { ...profile.suppressed, [channel]: suppression },
      suppressionHistory: withSuppressionChanges(profile, [marked]),
    },
    profile,
    now,
  );
}

function bump(next: Profile, before: Profile, now: Date): Profile {
  return next === before ? before : { ...next, updatedAt: now.toISOString(), version: before.version + 1 };
}
