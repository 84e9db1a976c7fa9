import type { CustomerAttributes } from '../events/schema';
import { instant } from '../time/instant';
import type { Profile } from './profile';

/** What an event says of the customer, its consent aside (applyConsent keeps its own times). */
export type GivenFields = Omit<CustomerAttributes, 'consent'>;

const FIELDS = ['email', 'phone', 'preferredChannel', 'firstName', 'locale', 'timeZone'] as const;

/** The key of `givenAt` an attribute's time is kept under, apart from the profile's own fields. */
const attributeKey = (name: string) => `attributes.${name}`;

/**
 * What of an event's customer fields stated at `at` (business time) the profile takes: each field and
 * attribute the profile was not given by a later event. An older event arriving late (a retry, a slow
 * source) must not put back an address the customer has replaced: for a reassigned phone number that is
 * someone else's. A field with no time (a profile stored before `givenAt`) was set at the beginning of
 * time: any event may set it. At the same instant the later arrival wins.
 */
export function givenFields(
  profile: Profile,
  customer: GivenFields,
  at: string,
): { given: GivenFields; givenAt: Record<string, string> | undefined } {
  const t = instant(at);
  const givenAt: Record<string, string> = { ...profile.givenAt };
  let taken = false;
  const take = (key: string) => {
    const was = givenAt[key];
    if (was !== undefined && instant(was) > t) return false;
    givenAt[key] = at;
    taken = true;
    return true;
  };
  const given: Record<string, unknown> = {};
  for (const field of FIELDS)
    if (customer[field] !== undefined && take(field)) given[field] = customer[field];
  const attributes = Object.entries(customer.attributes ?? {}).filter(([k]) => take(attributeKey(k)));
  if (attributes.length) given.attributes = Object.fromEntries(attributes);
  return { given: given as GivenFields, givenAt: taken ? givenAt : profile.givenAt };
}
