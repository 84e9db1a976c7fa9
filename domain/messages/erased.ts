import { tombstoneKey } from '../erase';
import { ProfileNotFoundError } from '../errors';
import type { CustomerStore, MessageRecord, TombstoneRecord } from '../ports';
import type { Profile } from '../profile/profile';

/*
 * A send racing with an erasure (domain/erase.ts). Without transactions (dynalite has none) the claim's
 * condition sees only its own item, so the send cannot refuse atomically; instead it checks the tombstone
 * at two points, and its later writes only replace its own claim:
 *  1. with the facts it decides from (same BatchGetItem, no extra call): a send that starts after the
 *     erasure is recorded refuses before writing anything;
 *  2. right after its claim, before the provider (one GetItem): the erasure may have deleted the
 *     customer's items between the facts and the claim, which would then survive it, address and all;
 *     the send deletes its own claim and refuses, so nothing goes out and nothing is left.
 * An erasure whose tombstone lands after check 2 deletes the claim itself (its delete runs after the
 * tombstone, so after the claim, and reads consistently); the outcome write replaces only the claim
 * (settleClaim), so it does not write the record back. Such a send was past its last check: its message
 * may still go out, the inherent window the README states.
 */

/**
 * True when `profile` is of a customer erased since it was created: the tombstone is at or after its
 * creation. A returning customer's new profile is newer than the tombstone and is sent to as anyone.
 */
export function erasedSince(profile: Pick<Profile, 'createdAt'>, tombstone: TombstoneRecord | undefined) {
  return tombstone !== undefined && tombstone.erasedAt >= profile.createdAt;
}

export function erasedError(customerId: string): ProfileNotFoundError {
  return new ProfileNotFoundError(`customer ${customerId} was erased: nothing is sent to them`);
}

/**
 * Check 2 above, once `claim` is written (and, for SMS, the address use under `addressKey` remembered):
 * when the customer was erased meanwhile, takes both back and throws, before anything goes out.
 */
export async function refuseIfErased(
  store: CustomerStore,
  claim: MessageRecord,
  profile: Pick<Profile, 'createdAt'>,
  addressKey: string | undefined,
): Promise<void> {
  if (!erasedSince(profile, await store.getTombstone(tombstoneKey(claim.customerId)))) return;
  await store.releaseMessage(claim.customerId, claim.messageKey);
  if (addressKey !== undefined) await store.forgetAddress(addressKey, claim.customerId);
  throw erasedError(claim.customerId);
}
