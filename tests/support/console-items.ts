import type { CustomerItems } from '../../domain/console/timeline';
import type { MessageRecord } from '../../domain/message-record';
import type { Profile } from '../../domain/profile/profile';

/*
 * One customer's partition with an item of every kind the console shows (profile, events, journeys,
 * messages, decisions, waits), for tests/unit/console-timeline.test.ts and console-why.test.ts.
 */

export const ARN = 'arn:aws:states:eu-west-1:1:execution:rapport-welcome:welcome-c-1-abc';
export const ARN2 = 'arn:aws:states:eu-west-1:1:execution:rapport-winback:winback-c-1-def';

export const profile: Profile = {
  customerId: 'c-1',
  stage: 'dormant',
  stageHistory: [
    {
      from: null,
      to: 'first-purchase',
      at: '2026-01-01T10:00:00Z',
      cause: { kind: 'event', eventId: 'e-1', eventType: 'purchase' },
    },
    { from: 'first-purchase', to: 'dormant', at: '2026-04-01T10:00:00Z', cause: { kind: 'timer' } },
  ],
  tier: 'vip',
  tierHistory: [
    {
      from: 'regular',
      to: 'vip',
      at: '2026-01-01T10:00:00Z',
      cause: { kind: 'event', eventId: 'e-1', eventType: 'purchase' },
    },
  ],
  feedback: {
    nps: { at: '2026-02-01T00:00:00Z', eventId: 'e-2', score: 3 },
    comment: { at: '2026-02-01T00:00:00Z', eventId: 'e-2', text: '<b>late</b> & cold' },
  },
  mood: { at: '2026-02-01T00:00:00Z', eventId: 'e-2', value: 'unhappy' },
  consent: {
    email: { status: 'subscribed', at: '2026-01-01T10:00:00Z', source: 'default' },
    sms: { status: 'unsubscribed', at: '2026-03-01T00:00:00Z', source: 'preferences' },
  },
  suppressed: { email: { reason: 'bounce', at: '2026-05-01T00:00:00Z', source: 'ses' } },
  purchaseCount: 1,
  recentPurchases: [],
  recentEventIds: ['e-1', 'e-2'],
  evaluatedAt: '2026-04-01T10:00:00Z',
  createdAt: '2026-01-01T10:00:05Z',
  updatedAt: '2026-05-01T00:00:00Z',
  version: 7,
};

export const message = (over: Partial<MessageRecord>): MessageRecord => ({
  customerId: 'c-1',
  messageKey: 'm-thanks',
  journeyId: 'welcome',
  journeyVersion: 3,
  stepId: 'thanks',
  executionId: ARN,
  channel: 'email',
  template: 'thanks',
  category: 'marketing',
  status: 'sent',
  createdAt: '2026-01-01T10:00:05Z',
  sentAt: '2026-01-01T10:00:06Z',
  to: 'li@example.com',
  ...over,
});

export const ITEMS: CustomerItems = {
  customerId: 'c-1',
  profile,
  // Out of order on purpose: the store returns them by sort key, not by time.
  events: [
    {
      customerId: 'c-1',
      eventId: 'e-30',
      type: 'feedback',
      at: '2026-06-01T00:00:00Z',
      state: 'done',
      receivedAt: '2026-06-01T00:00:01Z',
      stageChanges: [],
      tierChanges: [],
      conversions: [],
      executions: [],
      skippedEntries: [
        {
          journeyId: 'survey',
          reason: 'exclusive-group',
          by: { journeyId: 'winback', executionName: 'winback-c-1-def' },
        },
      ],
    },
    {
      customerId: 'c-1',
      eventId: 'e-2',
      type: 'feedback',
      at: '2026-02-01T00:00:00Z',
      state: 'done',
      receivedAt: '2026-02-01T00:00:01Z',
      stageChanges: [],
      tierChanges: [],
      conversions: [],
      executions: [],
    },
    {
      customerId: 'c-1',
      eventId: 'e-1',
      type: 'purchase',
      at: '2026-01-01T10:00:00Z',
      state: 'done',
      receivedAt: '2026-01-01T10:00:05Z',
      stageChanges: [],
      tierChanges: [],
      conversions: [],
      executions: [],
    },
  ],
  journeys: [
    {
      customerId: 'c-1',
      journeyId: 'survey',
      journeyVersion: 1,
      executionName: 'survey-c-1-ghi',
      executionArn: `${ARN2}-survey`,
      enteredAt: '2026-03-01T00:00:00Z',
      trigger: { eventId: 'e-3', eventType: 'purchase', at: '2026-03-01T00:00:00Z' },
      stopped: {
        at: '2026-04-01T10:00:01Z',
        reason: 'preempted',
        by: { journeyId: 'winback', executionName: 'winback-c-1-def' },
      },
      ended: { at: '2026-04-01T10:00:02Z', status: 'ABORTED' },
    },
    {
      customerId: 'c-1',
      journeyId: 'recovery',
      journeyVersion: 1,
      executionName: 'recovery-c-1-jkl',
      executionArn: `${ARN2}-recovery`,
      enteredAt: '2026-06-02T00:00:00Z',
      trigger: { eventId: 'e-31', eventType: 'complaint', at: '2026-06-02T00:00:00Z' },
      activeUntil: '2026-06-09T00:00:00Z',
      waiting: {
        since: '2026-06-02T00:00:00Z',
        until: '2026-06-09T00:00:00Z',
        behind: [{ journeyId: 'winback', executionName: 'winback-c-1-def' }],
        input: {
          customerId: 'c-1',
          journeyId: 'recovery',
          journeyVersion: 1,
          trigger: { eventId: 'e-31', eventType: 'complaint', at: '2026-06-02T00:00:00Z' },
        },
      },
    },
    {
      customerId: 'c-1',
      journeyId: 'recovery',
      journeyVersion: 1,
      executionName: 'recovery-c-1-mno',
      executionArn: `${ARN2}-recovery-2`,
      enteredAt: '2026-05-03T00:00:00Z',
      trigger: { eventId: 'e-29', eventType: 'complaint', at: '2026-05-03T00:00:00Z' },
      waited: {
        since: '2026-05-03T00:00:00Z',
        until: '2026-05-10T00:00:00Z',
        behind: [{ journeyId: 'winback', executionName: 'winback-c-1-def' }],
        outcome: 'expired',
        at: '2026-05-10T00:00:00Z',
      },
    },
    {
      customerId: 'c-1',
      journeyId: 'winback',
      journeyVersion: 1,
      executionName: 'winback-c-1-def',
      executionArn: ARN2,
      enteredAt: '2026-04-01T10:00:01Z',
      trigger: {
        eventId: 'timer:dormant:2026-04-01T10:00:00Z',
        eventType: 'timer',
        at: '2026-04-01T10:00:00Z',
      },
    },
    {
      customerId: 'c-1',
      journeyId: 'welcome',
      journeyVersion: 3,
      executionName: 'welcome-c-1-abc',
      executionArn: ARN,
      enteredAt: '2026-01-01T10:00:05Z',
      trigger: { eventId: 'e-1', eventType: 'purchase', at: '2026-01-01T10:00:00Z' },
      converted: { eventId: 'e-9', at: '2026-01-01T16:00:00Z', attributed: false },
    },
  ],
  messages: [
    message({
      messageKey: 'm-winback',
      journeyId: 'winback',
      journeyVersion: 1,
      stepId: 'nudge',
      executionId: ARN2,
      status: 'skipped',
      reason: 'suppressed',
      createdAt: '2026-05-02T00:00:00Z',
      sentAt: undefined,
    }),
    message({
      messageKey: 'm-tip',
      stepId: 'tip',
      status: 'deferred',
      reason: 'quiet-hours-deferred',
      deferredUntil: '2026-01-02T01:00:00Z',
      createdAt: '2026-01-01T16:00:00Z',
      sentAt: undefined,
    }),
    message({}),
  ],
  decisions: [
    {
      customerId: 'c-1',
      decisionKey: 'd-1',
      journeyId: 'welcome',
      journeyVersion: 3,
      stepId: 'vip?',
      executionId: ARN,
      kind: 'branch',
      path: 'yes',
      holdout: false,
      at: '2026-01-01T10:00:05Z',
    },
  ],
  awaits: [
    {
      customerId: 'c-1',
      awaitKey: 'a-1',
      event: 'review',
      taskToken: 'secret-token',
      journeyId: 'winback',
      stepId: 'wait-review',
      executionId: ARN2,
      since: '2026-05-02T00:00:01Z',
    },
  ],
  tombstone: { key: 'hash', erasedAt: '2025-12-01T00:00:00Z' },
  executions: [
    {
      executionArn: ARN,
      journeyId: 'welcome',
      states: [
        { name: 'vip?', at: '2026-01-01T10:00:05Z' },
        { name: 'thanks', at: '2026-01-01T10:00:05Z' },
      ],
    },
  ],
};
