import type {
  AwaitRecord,
  DecisionRecord,
  EventClaim,
  EventRecord,
  JourneyEntryRecord,
  MessageRecord,
} from '../../domain/ports';
import type { PacingRecord } from '../../domain/messages/policy';
import type { Profile } from '../../domain/profile/profile';

/** Sample records for the CustomerStore contract: plain data, each field a value the adapters must keep. */
export const AT = '2026-06-01T00:00:00.000Z';

export function profile(customerId: string, patch: Partial<Profile> = {}): Profile {
  return {
    customerId,
    stage: 'prospect',
    stageHistory: [
      { from: null, to: 'prospect', at: AT, cause: { kind: 'event', eventId: 'e-0', eventType: 'signup' } },
    ],
    tier: 'standard',
    tierHistory: [],
    purchaseCount: 0,
    recentPurchases: [],
    consent: { email: { status: 'subscribed', at: AT, source: 'default' } },
    recentEventIds: [],
    evaluatedAt: AT,
    occasionsCheckedAt: AT,
    createdAt: AT,
    updatedAt: AT,
    version: 1,
    ...patch,
  };
}

export function claim(customerId: string, eventId: string, claimId: string, keepEvent = true): EventClaim {
  return {
    customerId,
    eventId,
    type: 'purchase',
    at: AT,
    state: 'claimed',
    fingerprint: { payload: 'p-hash', fields: { at: 'a-hash' } },
    claimId,
    claimedAt: AT,
    leaseUntil: '2026-06-01T00:05:00.000Z',
    ...(keepEvent
      ? {
          event: {
            eventId,
            type: 'purchase',
            customerId,
            at: AT,
            amount: 10,
            currency: 'USD',
          } as EventClaim['event'],
        }
      : {}),
  };
}

export function done(customerId: string, eventId: string, claimId: string): EventRecord {
  return {
    customerId,
    eventId,
    type: 'purchase',
    at: AT,
    state: 'done',
    fingerprint: { payload: 'p-hash', fields: { at: 'a-hash' } },
    claimId,
    receivedAt: AT,
    stageChanges: [
      {
        from: 'prospect',
        to: 'first-purchase',
        at: AT,
        cause: { kind: 'event', eventId, eventType: 'purchase' },
      },
    ],
    tierChanges: [],
    conversions: [],
    executions: [{ journeyId: 'welcome', executionName: `x-${eventId}` }],
  };
}

export function message(customerId: string, messageKey: string, patch: Partial<MessageRecord> = {}) {
  const record: MessageRecord = {
    customerId,
    messageKey,
    journeyId: 'welcome',
    journeyVersion: 1,
    stepId: 'hello',
    executionId: 'exec-1',
    channel: 'email',
    template: 'welcome-hello',
    category: 'marketing',
    status: 'sending',
    locale: 'en-US',
    createdAt: AT,
    claimedAt: AT,
    ...patch,
  };
  return record;
}

export function decision(customerId: string, decisionKey: string, path: string): DecisionRecord {
  return {
    customerId,
    decisionKey,
    journeyId: 'welcome',
    journeyVersion: 1,
    stepId: 'split',
    executionId: 'exec-1',
    kind: 'split',
    path,
    holdout: false,
    at: AT,
  };
}

export function entry(
  customerId: string,
  journeyId: string,
  executionName: string,
  enteredAt = AT,
): JourneyEntryRecord {
  return {
    customerId,
    journeyId,
    journeyVersion: 1,
    executionName,
    executionArn: `arn:aws:states:local:0:execution:${journeyId}:${executionName}`,
    enteredAt,
    trigger: { eventId: `e-${executionName}`, eventType: 'purchase', at: enteredAt },
  };
}

export function awaiting(customerId: string, event: string, token: string): AwaitRecord {
  return {
    customerId,
    awaitKey: `${event}#${token}`,
    event,
    taskToken: `token-${token}`,
    journeyId: 'review',
    stepId: 'wait-review',
    executionId: 'exec-1',
    since: AT,
  };
}

export function pacing(customerId: string, version: number): PacingRecord {
  return {
    customerId,
    version,
    sends: [{ at: AT, messageKey: `m-${version}`, channel: 'email', priority: 'normal' }],
  };
}

/** Every page of an async listing, as they came. */
export async function pagesOf<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}
