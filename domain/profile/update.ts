import { VersionConflictError } from '../errors';
import type { CustomerStore } from '../ports';
import type { Profile } from './profile';

/**
 * Read, change, write with a version check; on a lost race read again and re-apply. `change` returns the
 * same object when there is nothing to do. Returns the stored profile and whether this call wrote it;
 * undefined when the customer is unknown.
 */
export async function updateProfile(
  store: CustomerStore,
  customerId: string,
  change: (current: Profile) => Profile,
  attempts = 10,
): Promise<{ profile: Profile; written: boolean } | undefined> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await store.getProfile(customerId);
    if (!current) return undefined;
    const next = change(current);
    if (next === current) return { profile: current, written: false };
    try {
      await store.putProfile(next);
      return { profile: next, written: true };
    } catch (e) {
      if (!(e instanceof VersionConflictError)) throw e;
    }
  }
  throw new VersionConflictError(`profile ${customerId} kept changing: ${attempts} attempts lost the race`);
}
