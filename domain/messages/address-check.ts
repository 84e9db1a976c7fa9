import { CHANNELS, type Channel } from '../config/ids';
import type { CustomerEvent } from '../events/schema';
import type { AddressUse, SuppressionRecord } from '../ports';
import { withSuppressionChanges } from '../profile/histories';
import type { Profile, SuppressionChange } from '../profile/profile';
import { addressOn, suppressionKey } from './policy';

/**
 * Ingest reads the suppression list for the addresses an event carries, in the read it makes anyway, so
 * that a send need not read it again (see suppressionChecked). These are the keys to read.
 */
export function eventAddressKeys(event: CustomerEvent): Partial<Record<Channel, string>> {
  const { email, phone } = event.customer ?? {};
  return {
    ...(email !== undefined ? { email: suppressionKey('email', email) } : {}),
    ...(phone !== undefined ? { sms: suppressionKey('sms', phone) } : {}),
  };
}

/**
 * Folds what the list said into the applied profile, for each channel whose current address is one that
 * was read: a listed address marks the channel suppressed as suppressAddress would have (the record's
 * reason, time and source; in its history too); listed or not, the check is recorded. Pure; the caller's
 * write is versioned.
 */
export function checkAddresses(
  profile: Profile,
  read: Partial<Record<Channel, string>>,
  listed: readonly SuppressionRecord[],
): Profile {
  let checked = profile.suppressionChecked;
  let suppressed = profile.suppressed;
  const marked: SuppressionChange[] = [];
  for (const channel of CHANNELS) {
    const address = addressOn(profile, channel);
    const key = address === undefined ? undefined : suppressionKey(channel, address);
    if (key === undefined || read[channel] !== key) continue;
    const record = listed.find((r) => r.key === key);
    if (record && !suppressed?.[channel]) {
      const { reason, at, source } = record;
      suppressed = { ...suppressed, [channel]: { reason, at, source } };
      marked.push({ channel, change: 'suppressed', reason, at, source });
    }
    checked = { ...checked, [channel]: key };
  }
  if (checked === profile.suppressionChecked && suppressed === profile.suppressed) return profile;
  return {
    ...profile,
    suppressionChecked: checked,
    ...(suppressed ? { suppressed } : {}),
    ...(marked.length ? { suppressionHistory: withSuppressionChanges(profile, marked) } : {}),
  };
}

/**
 * The address uses (rememberAddress) a profile's write calls for: its checked addresses must be known to
 * belong to the customer, so that a later suppression of one marks the profile (suppressAddress lists
 * their users); an address the profile no longer has is forgotten, so an erasure leaves none behind.
 * `before` undefined: the write may have been lost after the profile's (a takeover): every check again.
 */
export function addressUses(
  before: Profile | undefined,
  after: Profile,
): { remember: AddressUse[]; forget: AddressUse[] } {
  const out = { remember: [] as AddressUse[], forget: [] as AddressUse[] };
  for (const channel of CHANNELS) {
    const was = before?.suppressionChecked?.[channel];
    const is = after.suppressionChecked?.[channel];
    if (is !== undefined && is !== was) out.remember.push({ key: is, customerId: after.customerId });
    if (was !== undefined && was !== is) out.forget.push({ key: was, customerId: after.customerId });
  }
  return out;
}
