import type { Profile } from './profile';

/** A test of one profile attribute, shared by lifecycle rules and journey branches. */
export interface AttributeTest {
  name: string;
  equals?: string | number | boolean | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

/** Present, equal to `equals` if given, and a number within [min, max] if a bound is given. */
export function attributeMatches(test: AttributeTest, profile: Pick<Profile, 'attributes'>): boolean {
  const value = profile.attributes?.[test.name];
  if (value === undefined) return false;
  if (test.equals !== undefined && value !== test.equals) return false;
  if (test.min === undefined && test.max === undefined) return true;
  return typeof value === 'number' && value >= (test.min ?? -Infinity) && value <= (test.max ?? Infinity);
}

/** The customer's purchase count is within [min, max]. */
export function purchaseCountMatches(
  range: { min?: number | undefined; max?: number | undefined },
  profile: Pick<Profile, 'purchaseCount'>,
): boolean {
  return profile.purchaseCount >= (range.min ?? 0) && profile.purchaseCount <= (range.max ?? Infinity);
}

/** A number within optional bounds; an unknown value matches no range. */
export function inRange(
  r: { min?: number | undefined; max?: number | undefined },
  v: number | undefined,
): boolean {
  return v !== undefined && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
}
