import { spanBounds, spanEnd } from '../config/span';
import { LATEST_DUE } from '../due';
import { attributeMatches, inRange, purchaseCountMatches } from '../profile/matchers';
import type { Profile } from '../profile/profile';
import type { BaseCondition, Condition, Lifecycle } from './schema';
import { instant } from '../time/instant';

// A span is measured from a purchase with spanEnd, never as `now - length`: "1y" (a calendar year) has
// no one length. spanEnd remembers each duration's length, parsed once for every rule of every evaluation.

/** What the lifecycle's rules read of a customer: purchases, attributes and the relationship score. */
export type PurchaseFacts = Pick<
  Profile,
  'purchaseCount' | 'recentPurchases' | 'lastPurchaseAt' | 'attributes' | 'relationship'
>;

/** The rules' facts, with the purchase times parsed once for all the rules. */
interface Facts {
  profile: PurchaseFacts;
  last: number | undefined;
  /** The time of each of `profile.recentPurchases`, in the same order. */
  times: number[];
}

function factsOf(profile: PurchaseFacts): Facts {
  const { lastPurchaseAt, recentPurchases } = profile;
  return {
    profile,
    last: lastPurchaseAt === undefined ? undefined : instant(lastPurchaseAt),
    times: recentPurchases.map((p) => instant(p.at)),
  };
}

/** Does `condition` hold for this customer at `now`? Depends only on the purchases and the time. */
export function holds(condition: Condition, profile: Profile, now: Date): boolean {
  return holdsFor(condition, factsOf(profile), now.getTime());
}

function holdsFor(condition: Condition, facts: Facts, now: number): boolean {
  // baseHolds reads only the base facts, never `any`: the condition is passed whole, not copied without it.
  const { any } = condition;
  return baseHolds(condition, facts, now) && (any === undefined || any.some((c) => baseHolds(c, facts, now)));
}

function baseHolds(c: BaseCondition, facts: Facts, now: number): boolean {
  const { profile, last, times } = facts;
  const purchases = profile.recentPurchases;
  if (c.purchaseCount && !purchaseCountMatches(c.purchaseCount, profile)) return false;
  if (c.noPurchaseFor !== undefined && (last === undefined || now < spanEnd(last, c.noPurchaseFor)))
    return false;
  if (c.purchasesWithin) {
    const window = c.purchasesWithin.window;
    if (times.filter((t) => spanEnd(t, window) > now).length < c.purchasesWithin.min) return false;
  }
  if (c.spendWithin) {
    const window = c.spendWithin.window;
    const spent = new Map<string, number>();
    purchases.forEach((p, i) => {
      if (spanEnd(times[i] ?? NaN, window) > now)
        spent.set(p.currency, (spent.get(p.currency) ?? 0) + p.amount);
    });
    if (!Object.entries(c.spendWithin.min).some(([currency, min]) => (spent.get(currency) ?? 0) >= min))
      return false;
  }
  if (c.attribute && !attributeMatches(c.attribute, profile)) return false;
  if (c.relationship && !inRange(c.relationship, profile.relationship?.score)) return false;
  if (c.returnedAfter !== undefined) {
    const [previous, latest] = times.slice(-2);
    if (previous === undefined || latest === undefined || latest < spanEnd(previous, c.returnedAfter))
      return false;
  }
  return true;
}

/** The customer's stage at `now`: the first stage, top to bottom, whose rule holds. */
export function classify(profile: Profile, lifecycle: Lifecycle, now: Date): string {
  return placement(profile, lifecycle, now, 'stage').stage;
}

/** The customer's tier at `now`, by the same first-match rule. */
export function classifyTier(profile: Profile, lifecycle: Lifecycle, now: Date): string {
  return placement(profile, lifecycle, now, 'tier').tier;
}

/** Stage and tier at `now` (or only the one asked for), the purchase facts read once for both. */
export function placement(
  profile: Profile,
  lifecycle: Lifecycle,
  now: Date,
  only?: 'stage' | 'tier',
): Placement {
  return placeFacts(factsOf(profile), lifecycle, now.getTime(), profile, only);
}

export interface Placement {
  stage: string;
  tier: string;
}

/**
 * Places the same facts at one time after another (the timers of one stretch of history), reading the
 * purchases once. Each call falls back on `current`'s stage and tier, as `classify` does on the profile's.
 */
export function placer(
  view: PurchaseFacts,
  lifecycle: Lifecycle,
): (now: Date, current: Placement) => Placement {
  const facts = factsOf(view);
  return (now, current) => placeFacts(facts, lifecycle, now.getTime(), current);
}

function placeFacts(
  facts: Facts,
  lifecycle: Lifecycle,
  now: number,
  current: Placement,
  only?: 'stage' | 'tier',
): Placement {
  return {
    // Validation guarantees the last rule matches everyone; the fallback only guards hand-built lifecycles.
    stage: only === 'tier' ? current.stage : (firstHolding(lifecycle.stages, facts, now) ?? current.stage),
    tier: only === 'stage' ? current.tier : (firstHolding(lifecycle.tiers, facts, now) ?? current.tier),
  };
}

function firstHolding(rules: readonly { id: string; when: Condition }[], facts: Facts, now: number) {
  return rules.find((r) => holdsFor(r.when, facts, now))?.id;
}

const allConditions = (lifecycle: Lifecycle) =>
  [...lifecycle.stages, ...lifecycle.tiers].flatMap((s) => [s.when, ...(s.when.any ?? [])]);

// Derived once per lifecycle object: they are consulted for every event and every sweep.
const thresholdsCache = new WeakMap<Lifecycle, string[]>();

/** Every `noPurchaseFor` threshold in the lifecycle, each once. */
export function inactivityThresholds(lifecycle: Lifecycle): string[] {
  const cached = thresholdsCache.get(lifecycle);
  if (cached) return cached;
  const all = allConditions(lifecycle).map((c) => c.noPurchaseFor);
  const thresholds = [...new Set(all.filter((d): d is string => d !== undefined))];
  thresholdsCache.set(lifecycle, thresholds);
  return thresholds;
}

/**
 * The instants after `after` at which the passing of time alone could move this customer to another
 * stage or tier: the last purchase plus each inactivity threshold, and each counted purchase plus each
 * window (the moment it stops counting towards `purchasesWithin` or `spendWithin`). Earliest first. The
 * sweeper visits customers at these times. None past the last instant the due index can order.
 */
export function dueTimes(profile: Profile, lifecycle: Lifecycle, after: Date): Date[] {
  return dueInstants(profile, lifecycle, after.getTime()).map((t) => new Date(t));
}

/** `dueTimes` as epoch milliseconds, only those up to `upTo` if given (the rest are not sorted). */
export function dueInstants(
  profile: PurchaseFacts,
  lifecycle: Lifecycle,
  after: number,
  upTo = LATEST_DUE,
): number[] {
  const times: number[] = [];
  const until = Math.min(upTo, LATEST_DUE);
  eachCandidate(profile, lifecycle, (t) => {
    if (t > after && t <= until) times.push(t);
  });
  const sorted = times.sort((a, b) => a - b);
  return sorted.filter((t, i) => i === 0 || t !== sorted[i - 1]);
}

/** The first of `dueInstants`, found without sorting them all: asked for on every profile write. */
export function firstDueInstant(profile: Profile, lifecycle: Lifecycle, after: number): number | undefined {
  let first = Infinity;
  eachCandidate(profile, lifecycle, (t) => {
    if (t > after && t <= LATEST_DUE && t < first) first = t;
  });
  return first === Infinity ? undefined : first;
}

/**
 * Every time the purchases put a rule's answer in question, in no order and with repeats: each inactivity
 * threshold after the last purchase, and the end of each window after each recent purchase. A visitor,
 * not an array: this runs on every profile write and every sweep visit.
 */
function eachCandidate(profile: PurchaseFacts, lifecycle: Lifecycle, visit: (t: number) => void): void {
  if (profile.lastPurchaseAt === undefined) return;
  const last = instant(profile.lastPurchaseAt);
  for (const d of inactivityThresholds(lifecycle)) visit(spanEnd(last, d));
  const windows = windowDurations(lifecycle);
  for (const p of profile.recentPurchases) {
    const at = instant(p.at);
    for (const w of windows) visit(spanEnd(at, w));
  }
}

const windowsCache = new WeakMap<Lifecycle, string[]>();

/** Every `purchasesWithin` and `spendWithin` window in the lifecycle, each once. */
export function windowDurations(lifecycle: Lifecycle): string[] {
  const cached = windowsCache.get(lifecycle);
  if (cached) return cached;
  const windows = allConditions(lifecycle)
    .flatMap((c) => [c.purchasesWithin?.window, c.spendWithin?.window])
    .filter((d): d is string => d !== undefined);
  const durations = [...new Set(windows)];
  windowsCache.set(lifecycle, durations);
  return durations;
}

/**
 * The longest window any rule looks back over (a calendar year at its longest, 366 days): purchases older
 * than that (before the last) are forgotten.
 */
export function longestWindow(lifecycle: Lifecycle): number {
  return Math.max(0, ...windowDurations(lifecycle).map((w) => spanBounds(w).longest));
}
