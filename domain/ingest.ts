import { VersionConflictError } from './errors';
import type { CustomerEvent } from './events/schema';
import { enterJourneys, reachGoals, resumeWaits } from './journey/enter';
import { journeysToStart } from './journey/entry';
import { scheduled } from './journey/occasions';
import { applyEvent, changesCausedBy, hasApplied } from './lifecycle/apply';
import { lifecycleChanges } from './lifecycle/changes';
import type { EventRecord, LifecycleDeps } from './ports';
import type { StageChange } from './profile/profile';

export interface IngestResult {
  status: 'accepted' | 'duplicate';
  eventId: string;
  customerId: string;
  stage: string;
  tier: string;
  stageChanges: StageChange[];
  tierChanges: StageChange[];
  journeysStarted: string[];
  /** Journeys this event was the goal of: ended for this customer and counted as converted. */
  conversions: string[];
}

/**
 * How often to re-read and retry when another event for the same customer wins the race. Each lost race
 * means another delivery made progress, so the bound only stops a pathological burst for one customer.
 */
const MAX_CONFLICT_RETRIES = 25;

/**
 * Applies one customer event exactly once, whatever the number of deliveries or crashes:
 * 1. an event already recorded is a duplicate: nothing changes;
 * 2. the profile write is conditional on its version, and the profile remembers recent event ids, so a
 *    retry after a crash does not apply the event twice;
 * 3. stage and tier changes are announced, and journeys start under deterministic names, so starting
 *    one again is a no-op;
 * 4. the event record, written last, marks the event as fully handled.
 * Only single-item conditional writes are used, so DynamoDB and dynalite behave alike.
 */
export async function ingestEvent(event: CustomerEvent, deps: LifecycleDeps): Promise<IngestResult> {
  const { store, clock } = deps;
  const recorded = await store.getEvent(event.customerId, event.eventId);
  if (recorded) {
    const profile = await store.getProfile(event.customerId);
    return {
      status: 'duplicate',
      eventId: event.eventId,
      customerId: event.customerId,
      stage: profile?.stage ?? '',
      tier: profile?.tier ?? '',
      stageChanges: [],
      tierChanges: [],
      journeysStarted: [],
      conversions: [],
    };
  }

  for (let attempt = 0; ; attempt++) {
    const current = await store.getProfile(event.customerId);
    let profile;
    let stageChanges: StageChange[];
    let tierChanges: StageChange[];
    if (current && hasApplied(current, event.eventId)) {
      // A previous delivery applied the event and then stopped before recording it: finish its work.
      profile = current;
      ({ stageChanges, tierChanges } = changesCausedBy(current, event.eventId));
    } else {
      ({ profile, stageChanges, tierChanges } = applyEvent(current, event, deps.lifecycle, clock.now()));
      // A new birthday, time zone or stage may move the customer's next date-triggered journey.
      profile = scheduled(profile, deps);
      try {
        await store.putProfile(profile);
      } catch (e) {
        if (e instanceof VersionConflictError && attempt < MAX_CONFLICT_RETRIES) continue;
        throw e;
      }
    }

    // Announced after the profile is stored and before the event is recorded as handled: a retry
    // announces again (same ids), a crash never leaves a change unannounced.
    await deps.publisher.publish(lifecycleChanges(event.customerId, { stageChanges, tierChanges }));
    const now = clock.now();
    const starts = journeysToStart(deps.journeys, event, { stageChanges, tierChanges }, profile);
    const conversions = await reachGoals(event, deps);
    await resumeWaits(event, deps);
    const { entered } = await enterJourneys(starts, { ...deps, now });
    const executions: EventRecord['executions'] = entered.map(
      ({ journeyId, executionName, executionArn }) => ({
        journeyId,
        executionName,
        executionArn,
      }),
    );
    await store.putEvent({
      customerId: event.customerId,
      eventId: event.eventId,
      type: event.type,
      at: event.at,
      receivedAt: clock.now().toISOString(),
      stageChanges,
      tierChanges,
      executions,
      conversions,
    });
    return {
      status: 'accepted',
      eventId: event.eventId,
      customerId: event.customerId,
      stage: profile.stage,
      tier: profile.tier,
      stageChanges,
      tierChanges,
      journeysStarted: executions.map((e) => e.executionName),
      conversions: conversions.map((c) => c.journeyId),
    };
  }
}
