import type { Profile } from './profile';

/** Records an email opt-out. Idempotent: an opted-out profile is returned unchanged (same version). */
export function unsubscribeEmail(profile: Profile, now: Date, source: string): Profile {
  if (profile.consent.email.status === 'unsubscribed') return profile;
  const at = now.toISOString();
  return {
    ...profile,
    consent: { ...profile.consent, email: { status: 'unsubscribed', at, source } },
    updatedAt: at,
    version: profile.version + 1,
  };
}
