import type { Calendar } from '../journey/compile';
import { scheduled } from '../journey/occasions';
import type { Journey } from '../journey/schema';
import type { Profile } from '../profile/profile';
import type { Lifecycle } from './schema';

/**
 * A profile replayed up to `asOf` (with no journeys) as `rapport import` stores it for the runtime that
 * will take over from `asOf` with every journey:
 * - the date-triggered journeys' occasions count from `asOf` on (`occasionsCheckedAt`): a birthday in
 *   the history is past, not a greeting owed;
 * - the due time is worked out again with those journeys, so the first sweep after `asOf` finds the
 *   customer when their next threshold or occasion comes, and only then do journeys start;
 * - version 1: the item's first write in the store it is imported into (optimistic concurrency counts
 *   writes of the stored item, not the replay's);
 * - no suppression check on record (`suppressionChecked`): the replay checked its own, empty list, and
 *   the import writes no address records, so a later suppression of an address this customer shares
 *   could not mark them. Their sends read the list, as for any profile without the check, until their
 *   next event carrying the address checks it again.
 */
export function importedProfile(
  profile: Profile,
  deps: { lifecycle: Lifecycle; journeys: readonly Journey[]; calendar: Calendar },
  asOf: Date,
): Profile {
  const checked = Date.parse(profile.occasionsCheckedAt ?? profile.evaluatedAt);
  const occasionsCheckedAt = new Date(Math.max(checked, asOf.getTime())).toISOString();
  const { suppressionChecked: _replayedCheck, ...rest } = profile;
  return scheduled({ ...rest, occasionsCheckedAt, version: 1 }, deps);
}
