import type { Channel } from '../config/ids';
import type { ConsentRecord, ConsentStatus, Profile, Suppression } from './profile';

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
 */
export function applyConsent(profile: Profile, change: ConsentChange, at: string, source: string): Profile {
  let changed = false;
  const pick = (current: ConsentRecord | undefined, status: ConsentStatus | undefined) => {
    // The implied consent of first contact is no choice at all: any stated choice replaces it.
    const newer = current && current.source !== IMPLIED && current.at > at;
    if (status === undefined || newer || (current && current.status === status)) return current;
    changed = true;
    return { status, at, source };
  };
  const email = pick(profile.consent.email, change.email) ?? profile.consent.email;
  const sms = pick(profile.consent.sms, change.sms);
  const topics = { ...profile.consent.topics };
  for (const [topic, status] of Object.entries(change.topics ?? {})) {
    const next = pick(topics[topic], status);
    if (next) topics[topic] = next;
  }
  if (!changed) return profile;
  return {
    ...profile,
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
  return bump({ ...profile, suppressed: { ...profile.suppressed, [channel]: suppression } }, profile, now);
}

function bump(next: Profile, before: Profile, now: Date): Profile {
  return next === before ? before : { ...next, updatedAt: now.toISOString(), version: before.version + 1 };
}
