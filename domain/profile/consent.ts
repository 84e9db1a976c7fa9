import type { Channel } from '../config/ids';
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

export function channelConsent(profile: Profile, channel: Channel): ConsentStatus {
  return profile.consent[channel]?.status ?? 'subscribed';
}

export function topicConsent(profile: Profile, topic: string): ConsentStatus {
  return profile.consent.topics?.[topic]?.status ?? 'subscribed';
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
    // The implied consent of first contact is no choice at all: any stated choice replaces it.
    const newer = current && current.source !== IMPLIED && current.at > at;
    if (status === undefined || newer || (current && current.status === status)) return current;
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
