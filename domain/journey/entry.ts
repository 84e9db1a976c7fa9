import { createHash } from 'node:crypto';
import type { PropertyValue } from '../events/custom';
import type { CustomerEvent } from '../events/schema';
import { carriesEntryEvent } from './event-input';
import type { Profile, StageChange } from '../profile/profile';
import type { JourneyInput } from './compile';
import { customerMatches } from './conditions';
import type { Journey } from './schema';

export interface JourneyStart {
  journeyId: string;
  /** Deterministic, so that starting the same journey for the same cause twice is a no-op. */
  executionName: string;
  input: JourneyInput;
}

/**
 * What set things moving: a customer event, or time passing, found by the sweeper: an inactivity
 * threshold (`timer`) or a date such as a birthday (`date`).
 */
export type Trigger = Pick<CustomerEvent, 'eventId' | 'at'> & {
  type: CustomerEvent['type'] | 'timer' | 'date';
};

/**
 * Which journeys an event starts for this customer, given the stage changes it caused. Pure and
 * deterministic: a retried ingest computes the same starts with the same names.
 */
export function journeysToStart(
  journeys: readonly Journey[],
  event: Trigger,
  changes: { stageChanges: readonly StageChange[]; tierChanges: readonly StageChange[] },
  profile: Profile,
  /** The trigger's properties an execution may carry (see shareableProperties). */
  properties: Record<string, PropertyValue> = {},
): JourneyStart[] {
  const starts: JourneyStart[] = [];
  for (const journey of journeys) {
    const { entry } = journey;
    const stageEntered =
      entry.stage !== undefined
        ? changes.stageChanges.find((c) => c.to === entry.stage)
        : entry.tier !== undefined
          ? changes.tierChanges.find((c) => c.to === entry.tier)
          : undefined;
    const matches =
      entry.event !== undefined
        ? [entry.event].flat().includes(event.type as never)
        : stageEntered !== undefined;
    if (!matches || (entry.where && !customerMatches(entry.where, profile, properties))) continue;
    starts.push({
      journeyId: journey.id,
      executionName: executionName(journey.id, profile.customerId, event.eventId),
      input: {
        customerId: profile.customerId,
        journeyId: journey.id,
        journeyVersion: journey.version,
        trigger: {
          eventId: event.eventId,
          eventType: event.type,
          at: event.at,
          ...(stageEntered && entry.stage !== undefined ? { stage: stageEntered.to } : {}),
          ...(stageEntered && entry.tier !== undefined ? { tier: stageEntered.to } : {}),
        },
        // Always present for such a journey: its send and branch states read `$.event` (see compile/).
        ...(carriesEntryEvent(journey) ? { event: properties } : {}),
      },
    });
  }
  return starts;
}

/**
 * Step Functions execution names: at most 80 characters of letters, digits, `-` and `_`. Readable
 * where possible, with a hash of the full identity so that distinct causes never collide.
 */
export function executionName(journeyId: string, customerId: string, eventId: string): string {
  const hash = createHash('sha256')
    .update(`${journeyId}\u0000${customerId}\u0000${eventId}`)
    .digest('hex')
    .slice(0, 16);
  const readable = `${journeyId}-${customerId}`
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, 80 - hash.length - 1);
  return `${readable}-${hash}`;
}
