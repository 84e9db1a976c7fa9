import type { DecisionExplanation } from '../../domain/journey/explain';
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

/** A sorted copy, for lists whose order a store does not define. */
export const sorted = (values: string[]) => [...values].sort();

/** A branch explained with every kind of wanted and had value: lists, objects, numbers, booleans, null. */
export const BRANCH_EXPLAINED: DecisionExplanation = {
  kind: 'branch',
  paths: [
    {
      name: 'yes',
      checks: [
        { key: 'tier', wanted: ['vip', 'gold'], had: 'regular', held: false },
        { key: 'purchaseCount', wanted: { min: 2 }, had: 1, held: false },
        { key: 'attribute', wanted: { name: 'plan', equals: 'pro' }, had: 'basic', held: false },
        { key: 'nps', wanted: { min: 9, max: 10 }, had: null, held: false },
        { key: 'firstPurchaseSmall', wanted: true, had: false, held: false },
      ],
    },
    { name: 'no', checks: [{ key: 'relationship', wanted: { max: 40.5 }, had: 12.25, held: true }] },
  ],
};

/** A split explained: a bucket with all its digits and fractional percents. */
export const SPLIT_EXPLAINED: DecisionExplanation = {
  kind: 'split',
  bucket: 12.345678901234567,
  arms: [
    { name: 'tip', from: 0, to: 33.3, percent: 33.3, holdout: false },
    { name: 'holdout', from: 33.3, to: 100, percent: 66.7, holdout: true },
  ],
};
