import { assertNever } from '../assert-never';
import type { Channel } from '../config/ids';
import type { PropertyValue } from '../events/custom';
import type { PurchaseEvent } from '../events/schema';
import { isCustomEvent, type BusinessEvent } from '../events/types';
import { applyConsent } from '../profile/consent';
import { givenFields } from '../profile/given';
import { withSuppressionChanges } from '../profile/histories';
import { addFeedback, relationshipScore } from '../profile/relationship';
import { RECENT_EVENT_IDS, type Profile, type StageChange, type SuppressionChange } from '../profile/profile';
import { classify, classifyTier, dueInstants, firstDueInstant, longestWindow } from './classify';
import { applyTimers, canRetell, newsIn, reclassify, retellFrom } from './history';
import type { Lifecycle } from './schema';
import { instant } from '../time/instant';

export interface ApplyResult {
  profile: Profile;
  /** Stage changes this event caused. Journeys start on these. */
  stageChanges: StageChange[];
  /** Tier changes this event caused (e.g. regular → vip). Journeys start on these too. */
  tierChanges: StageChange[];
  /**
   * Stage changes that time had already caused before this event arrived but no sweep had recorded yet.
   * They are kept in the history; journeys do not start on them, because their moment has passed.
   */
  lateTimerChanges: StageChange[];
}

export function newProfile(customerId: string, lifecycle: Lifecycle, now: Date): Profile {
  const iso = now.toISOString();
  const blank: Profile = {
    customerId,
    stage: '',
    stageHistory: [],
    tier: '',
    tierHistory: [],
    purchaseCount: 0,
    recentPurchases: [],
    // Implied consent for service-related email on first contact; marketing consent is refined in a later version.
    consent: { email: { status: 'subscribed', at: iso, source: 'default' } },
    recentEventIds: [],
    evaluatedAt: iso,
    occasionsCheckedAt: iso,
    createdAt: iso,
    updatedAt: iso,
    version: 0,
  };
  return { ...blank, stage: classify(blank, lifecycle, now), tier: classifyTier(blank, lifecycle, now) };
}

/**
 * A suppression belongs to the address that bounced or opted out: a new address for that channel starts
 * clean (the old one stays on the address-level suppression list), and the lift is history.
 */
function newAddressesUnsuppressed(
  before: Profile,
  customer: { email?: string; phone?: string },
  event: { eventId: string; at: string },
): Pick<Profile, 'suppressed' | 'suppressionHistory'> {
  if (!before.suppressed) return {};
  const suppressed = { ...before.suppressed };
  const changes: SuppressionChange[] = [];
  const lift = (channel: Channel, address: string | undefined, was: string | undefined) => {
    const mark = suppressed[channel];
    if (address === undefined || address === was || !mark) return;
    delete suppressed[channel];
    changes.push({ channel, change: 'lifted', at: event.at, source: `event:${event.eventId}` });
  };
  lift('email', customer.email, before.email);
  lift('sms', customer.phone, before.phone);
  if (changes.length === 0) return { suppressed };
  return { suppressed, suppressionHistory: withSuppressionChanges(before, changes) };
}

/** True when `profile` already reflects `eventId`: applying it again must change nothing. */
export function hasApplied(profile: Profile | undefined, eventId: string): boolean {
  return profile?.recentEventIds.includes(eventId) ?? false;
}

/**
 * Folds one customer event into the profile and re-evaluates the stage. Pure: the caller stores the
 * result with a conditional write on `version`. The outcome depends on the set of events, not on the
 * order they arrive in: facts are kept sorted by business time and the stage is derived from them.
 */
export function applyEvent(
  current: Profile | undefined,
  event: BusinessEvent,
  lifecycle: Lifecycle,
  now: Date,
  /** A declared event's properties that may be kept on the profile (none personal): see shareableProperties. */
  shared: Record<string, PropertyValue> = {},
): ApplyResult {
  const before = current ?? newProfile(event.customerId, lifecycle, now);
  const { profile: advanced, stageChanges: lateTimerChanges } = advanceTime(before, lifecycle, now);
  const { consent, ...fields } = event.customer ?? {};
  const { given, givenAt } = givenFields(advanced, fields, event.at);
  const { attributes, ...customer } = given;
  const withConsent = consent
    ? applyConsent(advanced, consent, event.at, `event:${event.eventId}`)
    : advanced;
  // A customer the sweep parked is evaluated afresh here and scheduled again: the record is out of date.
  const { parked: _resolved, ...unparked } = withConsent;
  const profile: Profile = {
    ...unparked,
    ...customer,
    ...(givenAt ? { givenAt } : {}),
    ...(attributes ? { attributes: { ...advanced.attributes, ...attributes } } : {}),
    ...newAddressesUnsuppressed(advanced, customer, event),
    stageHistory: [...advanced.stageHistory],
    tierHistory: [...advanced.tierHistory],
    recentEventIds: [...advanced.recentEventIds, event.eventId].slice(-RECENT_EVENT_IDS),
    updatedAt: now.toISOString(),
    version: before.version + 1,
  };

  addEventFacts(profile, event, lifecycle, shared);
  profile.relationship = { score: relationshipScore(profile, lifecycle.care, now), at: now.toISOString() };

  const cause = { kind: 'event', eventId: event.eventId, eventType: event.type } as const;
  if (canRetell(profile, event.at)) {
    // History follows business time: told again from this event on, whatever order events arrived in.
    retellFrom(profile, lifecycle, { at: event.at, key: event.eventId, cause }, now);
    const stages = newsIn(before.stageHistory, profile.stageHistory, event.eventId);
    const tiers = newsIn(before.tierHistory, profile.tierHistory, event.eventId);
    finishEvaluation(profile, lifecycle, now);
    return { profile, stageChanges: stages.caused, tierChanges: tiers.caused, lateTimerChanges: stages.late };
  }
  // Earlier than every purchase still known: the best is to date it no earlier than history already says.
  const latest = [profile.stageHistory.at(-1)?.at, profile.tierHistory.at(-1)?.at]
    .filter((t) => t !== undefined)
    .sort()
    .at(-1);
  const at = latest !== undefined && instant(latest) > instant(event.at) ? latest : event.at;
  const { stageChanges, tierChanges } = reclassify(profile, lifecycle, now, at, cause);
  finishEvaluation(profile, lifecycle, now);
  return { profile, stageChanges, tierChanges, lateTimerChanges };
}

/** The event's facts on the profile: its latest event, and a purchase's or a feedback's own fields. */
function addEventFacts(
  profile: Profile,
  event: BusinessEvent,
  lifecycle: Lifecycle,
  shared: Record<string, PropertyValue>,
): void {
  const last = profile.lastEvent;
  if (!last || event.at > last.at || (event.at === last.at && event.eventId > last.eventId)) {
    const properties = Object.keys(shared).length ? { properties: shared } : {};
    profile.lastEvent = { eventId: event.eventId, type: event.type, at: event.at, ...properties };
  }
  // A declared event changes the customer's attributes and lastEvent only: Rapport knows no more of it.
  if (!isCustomEvent(event))
    switch (event.type) {
      case 'purchase':
        addPurchase(profile, event, lifecycle);
        break;
      case 'profile':
        break;
      case 'feedback':
      case 'complaint':
        addFeedback(profile, event, lifecycle.care);
        break;
      default:
        assertNever(event);
    }
}

/**
 * Lets time pass up to `now`: at each inactivity threshold reached since the last evaluation the stage is
 * re-evaluated, so a customer who went dormant and then lost has both changes, each at its own time.
 * Returns the profile unchanged (same object) when nothing was due.
 */
export function advanceTime(
  current: Profile,
  lifecycle: Lifecycle,
  now: Date,
): { profile: Profile; stageChanges: StageChange[]; tierChanges: StageChange[] } {
  const due = dueInstants(current, lifecycle, instant(current.evaluatedAt), now.getTime());
  if (due.length === 0) return { profile: current, stageChanges: [], tierChanges: [] };
  const profile: Profile = {
    ...current,
    stageHistory: [...current.stageHistory],
    tierHistory: [...current.tierHistory],
  };
  const { stageChanges, tierChanges } = applyTimers(profile, profile, lifecycle, due);
  finishEvaluation(profile, lifecycle, now);
  return { profile, stageChanges, tierChanges };
}

/** The stage and tier changes an already-applied event caused, read back from history (used on retries). */
export function changesCausedBy(
  profile: Profile,
  eventId: string,
): { stageChanges: StageChange[]; tierChanges: StageChange[] } {
  const byEvent = (c: StageChange) => c.cause.kind === 'event' && c.cause.eventId === eventId;
  return {
    stageChanges: profile.stageHistory.filter(byEvent),
    tierChanges: profile.tierHistory.filter(byEvent),
  };
}

function addPurchase(profile: Profile, event: PurchaseEvent, lifecycle: Lifecycle): void {
  // The first purchase is the earliest one in business time, whatever order events arrived in (ties are
  // broken by event id, so that the answer never depends on arrival order).
  const first = profile.firstPurchase;
  const t = instant(event.at);
  if (
    first === undefined ||
    t < instant(first.at) ||
    (t === instant(first.at) && event.eventId < first.eventId)
  ) {
    const threshold = lifecycle.firstPurchase.smallAmount[event.currency];
    const small = threshold !== undefined && event.amount <= threshold;
    profile.firstPurchase = {
      eventId: event.eventId,
      at: event.at,
      amount: event.amount,
      currency: event.currency,
      small,
    };
    profile.firstPurchaseSmall = small;
  }
  profile.purchaseCount += 1;
  if (profile.lastPurchaseAt === undefined || instant(event.at) > instant(profile.lastPurchaseAt)) {
    profile.lastPurchaseAt = event.at;
  }
  const purchases = [
    ...profile.recentPurchases,
    { eventId: event.eventId, at: event.at, amount: event.amount, currency: event.currency },
  ].sort((a, b) => instant(a.at) - instant(b.at) || a.eventId.localeCompare(b.eventId));
  const horizon = instant(profile.lastPurchaseAt) - longestWindow(lifecycle);
  profile.recentPurchases = purchases.filter((p, i) => i >= purchases.length - 2 || instant(p.at) >= horizon);
}

function finishEvaluation(profile: Profile, lifecycle: Lifecycle, now: Date): void {
  if (instant(profile.evaluatedAt) < now.getTime()) profile.evaluatedAt = now.toISOString();
  const next = lifecycleDueAt(profile, lifecycle);
  if (next) profile.dueAt = next;
  else delete profile.dueAt;
}

/** The next inactivity threshold that may change this customer's stage or tier, if any. */
export function lifecycleDueAt(profile: Profile, lifecycle: Lifecycle): string | undefined {
  const first = firstDueInstant(profile, lifecycle, instant(profile.evaluatedAt));
  return first === undefined ? undefined : new Date(first).toISOString();
}
