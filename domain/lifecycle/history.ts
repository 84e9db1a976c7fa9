import type { Profile, StageChange, StageChangeCause } from '../profile/profile';
import { dueInstants, placement, placer, type Placement, type PurchaseFacts } from './classify';
import type { Lifecycle } from './schema';
import { instant } from '../time/instant';

const BEFORE_TIME = -8.64e15;

/** A moment in business time something happened to the customer: an event (ties broken by its id). */
export interface Moment {
  at: string;
  key: string;
  cause: StageChangeCause;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const compare = (a: { at: string; key: string }, b: { at: string; key: string }) =>
  instant(a.at) - instant(b.at) || byKey(a.key, b.key);

/** Re-evaluates stage and tier at `when`, recording each change (dated `at`) in the profile's history. */
export function reclassify(
  profile: Profile,
  lifecycle: Lifecycle,
  when: Date,
  at: string,
  cause: StageChangeCause,
) {
  return record(profile, placement(profile, lifecycle, when), at, cause);
}

/** Moves the profile to `to`, recording each change (dated `at`) in its history. */
export function record(profile: Profile, to: Placement, at: string, cause: StageChangeCause) {
  return {
    stageChanges: change(profile, 'stage', profile.stageHistory, to.stage, at, cause),
    tierChanges: change(profile, 'tier', profile.tierHistory, to.tier, at, cause),
  };
}

function change(
  profile: Profile,
  field: 'stage' | 'tier',
  history: StageChange[],
  next: string,
  at: string,
  cause: StageChangeCause,
): StageChange[] {
  if (next === profile[field]) return [];
  const entry: StageChange = { from: profile[field], to: next, at, cause };
  profile[field] = next;
  history.push(entry);
  return [entry];
}

/**
 * Can history be told again from `at`? Only if every purchase from then on is still known: purchases
 * older than the look-back window are forgotten (only their count is kept).
 */
export function canRetell(profile: Profile, at: string): boolean {
  const oldest = profile.recentPurchases[0];
  return (
    profile.purchaseCount === profile.recentPurchases.length ||
    (!!oldest && instant(at) >= instant(oldest.at))
  );
}

/** The customer's purchase facts as they stood at `moment` (inclusive or not of purchases at it). */
function asOf(profile: Profile, moment: { at: string; key: string }, inclusive: boolean): PurchaseFacts {
  const at = instant(moment.at);
  const known = profile.recentPurchases.filter((p) => {
    const order = instant(p.at) - at || byKey(p.eventId, moment.key);
    return inclusive ? order <= 0 : order < 0;
  });
  return {
    recentPurchases: known,
    purchaseCount: profile.purchaseCount - (profile.recentPurchases.length - known.length),
    lastPurchaseAt: known.at(-1)?.at,
    attributes: profile.attributes,
    relationship: profile.relationship,
  };
}

/** Classifies `view` (the facts at a moment) and carries the outcome back to the profile. */
function step(
  profile: Profile,
  view: PurchaseFacts,
  lifecycle: Lifecycle,
  when: Date,
  at: string,
  c: StageChangeCause,
) {
  record(profile, placer(view, lifecycle)(when, profile), at, c);
}

/** Applies the inactivity and window timers in (after, upTo] that the facts in `view` set. */
function timers(profile: Profile, view: PurchaseFacts, lifecycle: Lifecycle, after: number, upTo: number) {
  applyTimers(profile, view, lifecycle, dueInstants(view, lifecycle, after, upTo));
}

/**
 * Re-evaluates the profile at each of `due` (epoch milliseconds, in order) on the facts in `view`,
 * recording each change as the timer's; the facts are read once, as only stage and tier change between.
 */
export function applyTimers(profile: Profile, view: PurchaseFacts, lifecycle: Lifecycle, due: number[]) {
  const stageChanges: StageChange[] = [];
  const tierChanges: StageChange[] = [];
  if (due.length === 0) return { stageChanges, tierChanges };
  const place = placer(view, lifecycle);
  for (const t of due) {
    const when = new Date(t);
    const changes = record(profile, place(when, profile), when.toISOString(), { kind: 'timer' });
    stageChanges.push(...changes.stageChanges);
    tierChanges.push(...changes.tierChanges);
  }
  return { stageChanges, tierChanges };
}

/**
 * Tells the customer's stage and tier history again from `from` (a moment in business time, usually an
 * event that arrived late) up to `now`: history before it is kept, and from it on every purchase, every
 * other event that changed something, and every timer in between is evaluated again at its own time, on
 * the facts as they stood then. So the history is the same whatever order events arrived in. Mutates
 * `profile` (stage, tier, histories); the caller checks canRetell first.
 */
export function retellFrom(profile: Profile, lifecycle: Lifecycle, from: Moment, now: Date): void {
  const T = instant(from.at);
  const dropped = [...profile.stageHistory, ...profile.tierHistory].filter((c) => instant(c.at) >= T);
  const keptStages = profile.stageHistory.filter((c) => instant(c.at) < T);
  const keptTiers = profile.tierHistory.filter((c) => instant(c.at) < T);
  profile.stage = keptStages.at(-1)?.to ?? profile.stageHistory[0]?.from ?? profile.stage;
  profile.tier = keptTiers.at(-1)?.to ?? profile.tierHistory[0]?.from ?? profile.tier;
  profile.stageHistory = keptStages;
  profile.tierHistory = keptTiers;

  const moments = new Map<string, Moment>([[from.key, from]]);
  for (const p of profile.recentPurchases)
    if (instant(p.at) >= T && !moments.has(p.eventId))
      moments.set(p.eventId, {
        at: p.at,
        key: p.eventId,
        cause: { kind: 'event', eventId: p.eventId, eventType: 'purchase' },
      });
  for (const c of dropped)
    if (c.cause.kind === 'event' && !moments.has(c.cause.eventId))
      moments.set(c.cause.eventId, { at: c.at, key: c.cause.eventId, cause: c.cause });

  const kept = [...keptStages, ...keptTiers].map((c) => instant(c.at));
  let cursor = Math.max(BEFORE_TIME, ...kept);
  for (const m of [...moments.values()].sort(compare)) {
    timers(profile, asOf(profile, m, false), lifecycle, cursor, instant(m.at));
    step(profile, asOf(profile, m, true), lifecycle, new Date(m.at), m.at, m.cause);
    cursor = Math.max(cursor, instant(m.at));
  }
  timers(profile, profile, lifecycle, cursor, now.getTime());
}

/**
 * What a retold history means for the caller: the changes this event caused that are news (they start
 * journeys and are announced), and the rest of what is new in history (kept, not acted on: their moment
 * has passed, or they re-date a change that was already acted on under another cause).
 */
export function newsIn(
  before: readonly StageChange[],
  after: readonly StageChange[],
  eventId: string,
): { caused: StageChange[]; late: StageChange[] } {
  // History before the retold moment is kept as it was: only what follows it is compared.
  const kept = keptPrefix(before, after);
  const fresh = after.slice(kept).filter((c) => !before.some((o) => same(o, c)));
  const redated = new Set(
    before
      .slice(kept)
      .filter((o) => !after.some((c) => same(o, c)))
      .map((o) => o.to),
  );
  const caused = fresh.filter(
    (c) => c.cause.kind === 'event' && c.cause.eventId === eventId && !redated.has(c.to),
  );
  return { caused, late: fresh.filter((c) => !caused.includes(c)) };
}

/** Changes are the same when from, to, instant and cause agree (one with an unreadable time never is). */
function same(a: StageChange, b: StageChange): boolean {
  return (
    a.from === b.from &&
    a.to === b.to &&
    instant(a.at) === instant(b.at) &&
    causeKey(a.cause) === causeKey(b.cause)
  );
}

function causeKey(c: StageChangeCause): string {
  return c.kind === 'timer' ? 'timer' : `${c.eventType}:${c.eventId}`;
}

/** How many changes both histories begin with, as the very same entries (each the same as itself). */
function keptPrefix(before: readonly StageChange[], after: readonly StageChange[]): number {
  let i = 0;
  while (i < before.length && before[i] === after[i] && !Number.isNaN(instant(before[i]!.at))) i++;
  return i;
}
