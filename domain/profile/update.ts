import * as z from '../zod';
import type { Clock } from '../clock';
import { ProfileNotFoundError, VersionConflictError } from '../errors';
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

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** An `update` step as the compiled ASL passes it: attributes to set, tags to add and to remove. */
export const StepUpdate = z.strictObject({
  set: z.record(z.string(), Scalar),
  addTags: z.array(z.string()),
  removeTags: z.array(z.string()),
});
export type StepUpdate = z.infer<typeof StepUpdate>;

/**
 * Applies an `update` step through the read-change-write loop above; idempotent by nature (set, add,
 * remove): true when it changed the profile. Throws ProfileNotFoundError for an unknown customer.
 */
export async function applyStepUpdate(
  customerId: string,
  update: StepUpdate,
  deps: { store: CustomerStore; clock: Clock },
): Promise<boolean> {
  const result = await updateProfile(deps.store, customerId, (current) => {
    const tags = new Set(current.tags ?? []);
    update.addTags.forEach((t) => tags.add(t));
    update.removeTags.forEach((t) => tags.delete(t));
    const attributes = { ...current.attributes, ...update.set };
    const sortedTags = [...tags].sort();
    if (
      JSON.stringify(attributes) === JSON.stringify(current.attributes) &&
      JSON.stringify(sortedTags) === JSON.stringify(current.tags ?? [])
    )
      return current;
    return {
      ...current,
      attributes,
      tags: sortedTags,
      version: current.version + 1,
      updatedAt: deps.clock.now().toISOString(),
    };
  });
  if (!result) throw new ProfileNotFoundError(`customer ${customerId} has no profile`);
  return result.written;
}
