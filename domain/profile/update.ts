import { VersionConflictError } from '../errors';
import type { CustomerStore } from '../ports';
import { CONFLICT_ATTEMPTS, retryOnConflict } from '../retry';
import type { Profile } from './profile';

/**
 * Read, change, write with a version check; on a lost race read again and re-apply. `change` returns the
 * same object when there is nothing to do, and otherwise the next version (version + 1). Returns the
 * stored profile and whether this call wrote it; undefined when the customer is unknown.
 */
export async function updateProfile(
  store: CustomerStore,
  customerId: string,
  change: (current: Profile) => Profile,
  attempts: number = CONFLICT_ATTEMPTS.profile,
): Promise<{ profile: Profile; written: boolean } | undefined> {
  return retryOnConflict(
    attempts,
    async () => {
      const current = await store.getProfile(customerId);
      if (!current) return undefined;
      const next = change(current);
      if (next === current) return { profile: current, written: false };
      await store.putProfile(next);
      return { profile: next, written: true };
    },
    (last) =>
      new VersionConflictError(`profile ${customerId} kept changing: ${attempts} attempts lost the race`, {
        cause: last,
      }),
  );
}
