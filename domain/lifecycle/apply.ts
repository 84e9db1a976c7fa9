import { assertNever } from '../assert-never';
import type { CustomerEvent } from '../events/schema';
import { RECENT_EVENT_IDS, type Profile, type StageChange } from '../profile/profile';
import type { Lifecycle } from './schema';

export interface ApplyResult {
  profile: Profile;
  /** Stage changes this event caused, in order. Empty when the stage stayed. */
  stageChanges: StageChange[];
}

export function newProfile(customerId: string, lifecycle: Lifecycle, now: Date): Profile {
  const iso = now.toISOString();
  return {
    customerId,
    stage: lifecycle.initialStage,
    stageHistory: [],
    purchaseCount: 0,
    // Implied consent for service-related email on first contact; marketing consent is refined in a later version.
    consent: { email: { status: 'subscribed', at: iso, source: 'default' } },
    recentEventIds: [],
    createdAt: iso,
    updatedAt: iso,
    version: 0,
  };
}

/** True when `profile` already reflects `eventId`: applying it again must change nothing. */
export function hasApplied(profile: Profile | undefined, eventId: string): boolean {
  return profile?.recentEventIds.includes(eventId) ?? false;
}

/**
 * Folds one customer event into the profile and runs the lifecycle rules. Pure: the caller stores the
 * result with a conditional write on `version`.
 */
export function applyEvent(
  current: Profile | undefined,
  event: CustomerEvent,
  lifecycle: Lifecycle,
  now: Date,
): ApplyResult {
  const before = current ?? newProfile(event.customerId, lifecycle, now);
  const profile: Profile = {
    ...before,
    ...definedOnly(event.customer ?? {}),
    stageHistory: [...before.stageHistory],
    recentEventIds: [...before.recentEventIds, event.eventId].slice(-RECENT_EVENT_IDS),
    updatedAt: now.toISOString(),
    version: before.version + 1,
  };

  switch (event.type) {
    case 'purchase': {
      if (profile.purchaseCount === 0) {
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
      if (!profile.lastPurchaseAt || Date.parse(event.at) > Date.parse(profile.lastPurchaseAt)) {
        profile.lastPurchaseAt = event.at;
      }
      break;
    }
    case 'profile':
      break;
    default:
      return assertNever(event);
  }

  const stageChanges: StageChange[] = [];
  const transition = lifecycle.transitions.find((t) => t.on === event.type && t.from.includes(profile.stage));
  if (transition && transition.to !== profile.stage) {
    const change: StageChange = {
      from: profile.stage,
      to: transition.to,
      at: event.at,
      cause: { kind: 'event', eventId: event.eventId, eventType: event.type },
    };
    profile.stage = transition.to;
    profile.stageHistory.push(change);
    stageChanges.push(change);
  }
  return { profile, stageChanges };
}

/** The stage changes an already-applied event caused, read back from history (used on retries). */
export function stageChangesCausedBy(profile: Profile, eventId: string): StageChange[] {
  return profile.stageHistory.filter((c) => c.cause.kind === 'event' && c.cause.eventId === eventId);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
