import { durationSeconds } from '../config/duration';
import { LATEST_DUE } from '../due';
import { attributeMatches, inRange, purchaseCountMatches } from '../profile/matchers';
import type { Profile } from '../profile/profile';
import type { BaseCondition, Condition, Lifecycle } from './schema';

const ms = (duration: string) => durationSeconds(duration) * 1000;
const time = (iso: string) => Date.parse(iso);

/** Does `condition` hold for this customer at `now`? Depends only on the purchases and the time. */
export function holds(condition: Condition, profile: Profile, now: Date): boolean {
  const { any, ...all } = condition;
  return baseHolds(all, profile, now) && (any === undefined || any.some((c) => baseHolds(c, profile, now)));
}

function baseHolds(c: BaseCondition, profile: Profile, now: Date): boolean {
  const last = profile.lastPurchaseAt === undefined ? undefined : time(profile.lastPurchaseAt);
  const purchases = profile.recentPurchases;
  if (c.purchaseCount && !purchaseCountMatches(c.purchaseCount, profile)) return false;
  if (c.noPurchaseFor !== undefined && (last === undefined || now.getTime() - last < ms(c.noPurchaseFor)))
    return false;
  if (c.purchasesWithin) {
    const from = now.getTime() - ms(c.purchasesWithin.window);
    if (purchases.filter((p) => time(p.at) > from).length < c.purchasesWithin.min) return false;
  }
  if (c.spendWithin) {
    const from = now.getTime() - ms(c.spendWithin.window);
    const spent = new Map<string, number>();
    for (const p of purchases)
      if (time(p.at) > from) spent.set(p.currency, (spent.get(p.currency) ?? 0) + p.amount);
    if (!Object.entries(c.spendWithin.min).some(([currency, min]) => (spent.get(currency) ?? 0) >= min))
      return false;
  }
  if (c.attribute && !attributeMatches(c.attribute, profile)) return false;
  if (c.relationship && !inRange(c.relationship, profile.relationship?.score)) return false;
  if (c.returnedAfter !== undefined) {
    const [previous, latest] = purchases.slice(-2);
    if (!previous || !latest || time(latest.at) - time(previous.at) < ms(c.returnedAfter)) return false;
  }
  return true;
}

/** The customer's stage at `now`: the first stage, top to bottom, whose rule holds. */
export function classify(profile: Profile, lifecycle: Lifecycle, now: Date): string {
  const stage = lifecycle.stages.find((s) => holds(s.when, profile, now));
  // Validation guarantees the last stage matches everyone; this only guards hand-built lifecycles.
  return stage?.id ?? profile.stage;
}

/** The customer's tier at `now`, by the same first-match rule. */
export function classifyTier(profile: Profile, lifecycle: Lifecycle, now: Date): string {
  return lifecycle.tiers.find((t) => holds(t.when, profile, now))?.id ?? profile.tier;
}

const allConditions = (lifecycle: Lifecycle) =>
  [...lifecycle.stages, ...lifecycle.tiers].flatMap((s) => [s.when, ...(s.when.any ?? [])]);

// Derived once per lifecycle object: they are consulted for every event and every sweep.
const thresholdsCache = new WeakMap<Lifecycle, number[]>();

/** Every `noPurchaseFor` threshold in the lifecycle, shortest first. */
export function inactivityThresholds(lifecycle: Lifecycle): number[] {
  const cached = thresholdsCache.get(lifecycle);
  if (cached) return cached;
  const all = allConditions(lifecycle).map((c) => c.noPurchaseFor);
  const thresholds = [...new Set(all.filter((d): d is string => d !== undefined).map(ms))].sort(
    (a, b) => a - b,
  );
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
  if (profile.lastPurchaseAt === undefined) return [];
  const last = time(profile.lastPurchaseAt);
  const windows = windowLengths(lifecycle);
  const times = [
    ...inactivityThresholds(lifecycle).map((d) => last + d),
    ...profile.recentPurchases.flatMap((p) => windows.map((w) => time(p.at) + w)),
  ];
  return [...new Set(times)]
    .filter((t) => t > after.getTime() && t <= LATEST_DUE)
    .sort((a, b) => a - b)
    .map((t) => new Date(t));
}

const windowsCache = new WeakMap<Lifecycle, number[]>();

/** Every `purchasesWithin` and `spendWithin` window in the lifecycle, shortest first, each once. */
export function windowLengths(lifecycle: Lifecycle): number[] {
  const cached = windowsCache.get(lifecycle);
  if (cached) return cached;
  const windows = allConditions(lifecycle)
    .flatMap((c) => [c.purchasesWithin?.window, c.spendWithin?.window])
    .filter((d): d is string => d !== undefined)
    .map(ms);
  const lengths = [...new Set(windows)].sort((a, b) => a - b);
  windowsCache.set(lifecycle, lengths);
  return lengths;
}

/** The longest window any rule looks back over: purchases older than that (before the last) are forgotten. */
export function longestWindow(lifecycle: Lifecycle): number {
  return Math.max(0, ...windowLengths(lifecycle));
}
