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
 * Applies a consent change stated at `at`. A choice older than the one on record is ignored, so events
 * arriving out of order leave the latest choice in place. Returns the same object when nothing changed.
 * Each change of a record is appended to `consentHistory`, in the same write: the history is what the
 * record has been, so a choice ignored here (older than the one on record, or the same as it) is not
 * history either, and the last entry of a scope is always its record.
 */
export function applyConsent(profile: Profile, change: ConsentChange, at: string, source: string): Profile {
  const changes: ConsentChangeRecord[] = [];
  const pick = (
    scope: ConsentScope,
    current: ConsentRecord | undefined,
    status: ConsentStatus | undefined,
  ) => {
    // The implied consent of first contact is no choice at all: any stated choice replaces it, the same
    // status too (an opt-in must be on record, or an older opt-out arriving later would win).
    const stated = current && current.source !== IMPLIED ? current : undefined;
    // Compared as instants ('…:00Z' and '…:00.000Z' are one time); at the same instant an opt-out wins,
    // whichever arrives first.
    const kept = stated && instant(stated.at) - instant(at);
    const newer = kept !== undefined && (kept > 0 || (kept === 0 && stated?.status === 'unsubscribed'));
    if (status === undefined || newer || stated?.status === status) return current;
    changes.push({ scope, status, at, source });
    return { status, at, source };
  };
  const email = pick('email', profile.consent.email, change.email) ?? profile.consent.email;
  const sms = pick('sms', profile.consent.sms, change.sms);
  const topics = { ...profile.consent.topics };
  for (const [topic, status] of Object.entries(change.topics ?? {})) {
    const next = pick(`topic:${topic}`, topics[topic], status);
    if (next) topics[topic] = next;
  }
  if (changes.length === 0) return profile;
  return {
    ...profile,
    consentHistory: withConsentChanges(profile, changes),
    consent: {
      email,
      ...(sms ? { sms } : {}),
      ...(Object.keys(topics).length ? { topics } : {}),
    },
  };
}

/** Records an email opt-out. Idempotent: an opted-out profile is returned unchanged (same version). */
export function unsubscribeEmail(profile: Profile, now: Date, source: string): Profile {
  return bump(applyConsent(profile, { email: 'unsubscribed' }, now.toISOString(), source), profile, now);
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
