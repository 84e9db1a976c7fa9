import { CHANNELS, type Channel } from '../config/ids';
import type { CustomerEvent } from '../events/schema';
import type { AddressUse, CustomerStore, SuppressionRecord } from '../ports';
import { withSuppressionChanges } from '../profile/histories';
import type { Profile, SuppressionChange } from '../profile/profile';
import { updateProfile } from '../profile/update';
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
    // Unchanged when already recorded: the same profile back means nothing to write (recheckAddresses).
    if (checked?.[channel] !== key) checked = { ...checked, [channel]: key };
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

/**
 * Reads the list again for the address uses just remembered (addressUses: a new customer's first address,
 * a changed one, every check on a redelivery), and folds what it finds in with checkAddresses, as if the
 * first read had found it; the profile as it then stands. Call after the uses are written: ingest
 * (remember the user, read the list) races suppressAddress (write the list, list the users), and only
 * when each side writes its own record before it reads the other's does one of them always see the
 * other. The first read, made before the use is written, cannot close that race on its own.
 *
 * Why a read, and only here: the cheaper designs do not hold. A TransactWriteItems conditioning the
 * profile's write on the address being unlisted costs no call, but dynalite has none (the local runtime
 * must behave as DynamoDB). suppressAddress cannot mark the profile so that ingest's versioned write
 * notices: it finds profiles through the uses only, and this one's is not written yet (nor, for a new
 * customer, the profile). Writing the use before the first read would cost a call on every event that
 * gives an address, a known one too. So one BatchGetItem, for events that bring an address not yet
 * remembered for the customer; later events, and sends, read nothing more.
 */
export async function recheckAddresses(
  profile: Profile,
  remembered: readonly AddressUse[],
  store: CustomerStore,
): Promise<Profile> {
  if (remembered.length === 0) return profile;
  const keys = new Set(remembered.map((use) => use.key));
  const { suppressions } = await store.getCustomerFacts(profile.customerId, { suppressionKeys: [...keys] });
  if (!suppressions) return profile;
  const read = Object.fromEntries(
    Object.entries(profile.suppressionChecked ?? {}).filter(([, key]) => keys.has(key)),
  ) as Partial<Record<Channel, string>>;
  // Listed already at the first read: the profile as written is marked.
  if (checkAddresses(profile, read, suppressions) === profile) return profile;
  // Versioned: a write since (suppressAddress marking it, another event) is read again and kept.
  const updated = await updateProfile(store, profile.customerId, (current) => {
    const next = checkAddresses(current, read, suppressions);
    return next === current ? current : { ...next, version: current.version + 1 };
  });
  return updated?.profile ?? profile;
}
