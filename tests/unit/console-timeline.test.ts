import { customerItemsOf } from '../../adapters/dynamodb/customer-partition';
import { renderTimeline, renderWhy } from '../../adapters/console/timeline-html';
import { decisionWords, timelineLines } from '../../domain/console/describe';
import {
  buildTimeline,
  TIMELINE_ENTRY_TYPES,
  type CustomerItems,
  type Timeline,
} from '../../domain/console/timeline';
import { withFoldedUpdates } from '../../domain/console/executions';
import { Journey } from '../../domain/journey/schema';
import { latestMessage, why, whyLines } from '../../domain/console/why';
import type { MessageRecord } from '../../domain/message-record';
import type { Profile } from '../../domain/profile/profile';

const ARN = 'arn:aws:states:eu-west-1:1:execution:rapport-welcome:welcome-c-1-abc';
const ARN2 = 'arn:aws:states:eu-west-1:1:execution:rapport-winback:winback-c-1-def';

const profile: Profile = {
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

const message = (over: Partial<MessageRecord>): MessageRecord => ({
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

const ITEMS: CustomerItems = {
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

const types = (t: Timeline) => t.entries.map((e) => e.type);

describe('buildTimeline', () => {
  const timeline = buildTimeline(ITEMS);
  it('has an entry of every type, oldest first, the cause before its effects at one instant', () => {
    expect(new Set(types(timeline))).toEqual(new Set(TIMELINE_ENTRY_TYPES));
    const times = timeline.entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(types(timeline).slice(0, 9)).toEqual([
      'erasure',
      'event',
      'stage',
      'tier',
      'journey-entry',
      'step',
      'decision',
      'step',
      'message',
    ]);
  });

  it('says what happened, in words: the entry and its trigger, each message outcome, the timer', () => {
    const lines = timelineLines(timeline.entries);
    expect(lines).toEqual(
      expect.arrayContaining([
        '2025-12-01T00:00:00Z  erased: everything known before this moment was deleted',
        '2026-01-01T10:00:00Z  stage (none) → first-purchase because purchase e-1',
        '2026-01-01T10:00:05Z  entered welcome v3 because purchase e-1 (execution welcome-c-1-abc)',
        '2026-01-01T10:00:05Z  welcome v3: branch vip? took "yes"',
        "2026-01-01T16:00:00Z  welcome v3 step tip: email thanks deferred: quiet hours in the customer's time zone, until 2026-01-02T01:00:00Z [message m-tip]",
        '2026-01-01T16:00:00Z  goal of welcome reached by event e-9 (execution welcome-c-1-abc); counted for another journey it also converted (attribution)',
        '2026-04-01T10:00:01Z  survey stopped (execution survey-c-1-ghi): pre-empted by winback, higher in their exclusive group (execution winback-c-1-def)',
        '2026-06-01T00:00:00Z  not entered in survey by event e-30: winback holds the customer in their exclusive group (execution winback-c-1-def)',
        '2026-04-01T10:00:02Z  survey ended: aborted (execution survey-c-1-ghi)',
        '2026-06-02T00:00:00Z  waiting to enter recovery (execution recovery-c-1-jkl) until winback ends, at most until 2026-06-09T00:00:00Z: higher in their exclusive group, which waits',
        '2026-05-10T00:00:00Z  not entered in recovery (execution recovery-c-1-mno): its exclusive group still held the customer when the wait expired',
        '2026-03-01T00:00:00Z  consent sms: unsubscribed (from preferences; the latest choice only)',
        '2026-04-01T10:00:00Z  stage first-purchase → dormant because time passed (an inactivity threshold)',
        '2026-04-01T10:00:01Z  entered winback v1 because the lifecycle timer timer:dormant:2026-04-01T10:00:00Z (time passed) (execution winback-c-1-def)',
        '2026-05-01T00:00:00Z  email address suppressed: bounce (from ses)',
        '2026-05-02T00:00:00Z  winback v1 step nudge: email thanks skipped: the address is suppressed (a bounce, complaint or opt-out) [message m-winback]',
        '2026-05-02T00:00:01Z  winback: step wait-review waiting for event review',
      ]),
    );
    // A goal reached at the instant a message was made comes after it: the message stands, the journey ends.
    const tip = lines.findIndex((l) => l.includes('[message m-tip]'));
    expect(lines[tip + 1]).toContain('goal of welcome reached');
    // Implied consent is no choice, and a task token is no business of the reader.
    expect(lines.join('\n')).not.toMatch(/consent email|secret-token/);
  });

  it('shows every stored message exactly once', () => {
    const keys = timeline.entries.flatMap((e) => (e.type === 'message' ? [e.message.messageKey] : []));
    expect(keys.sort()).toEqual(['m-thanks', 'm-tip', 'm-winback']);
  });
});

describe('withFoldedUpdates', () => {
  const send = (id: string) => ({ id, type: 'send', channel: 'email', template: 't', topic: 'offers' });
  const winback = Journey.parse({
    id: 'winback',
    version: 1,
    description: 'd',
    entry: { tier: 'vip' },
    steps: [
      { id: 'gift', type: 'update', addTags: ['gift'] },
      send('offer'),
      { id: 'w', type: 'wait', duration: '1d' },
    ],
  });
  const at = (h: number) => `2026-04-15T0${h}:00:00.000Z`;

  it("shows an update a send applied as entered right before the send's first entry, not after a deferral", () => {
    const states = ['offer', 'offer-deferred', 'offer-quiet-hours', 'offer', 'w'].map((name, h) => ({
      name,
      at: at(h),
    }));
    const folded = withFoldedUpdates({ executionArn: ARN2, journeyId: 'winback', states }, [winback]);
    expect(folded.states.map((s) => `${s.name}@${s.at.slice(11, 13)}`)).toEqual([
      'gift@00',
      'offer@00',
      'offer-deferred@01',
      'offer-quiet-hours@02',
      'offer@03',
      'w@04',
    ]);
    // Started under the definition before the fold: the update entered its own state, shown once.
    const older = {
      executionArn: ARN2,
      journeyId: 'winback',
      states: [0, 1].map((h) => ({ name: ['gift', 'offer'][h]!, at: at(h) })),
    };
    expect(withFoldedUpdates(older, [winback])).toEqual(older);
    // Another journey's execution, or an unknown journey: as Step Functions gives it.
    const other = { executionArn: ARN, journeyId: 'welcome', states: [{ name: 'offer', at: at(0) }] };
    expect(withFoldedUpdates(other, [winback])).toEqual(other);
  });

  it('shows an execution of another version of the journey as it ran: that version may not have folded the update', () => {
    const states = [{ name: 'offer', at: at(0) }];
    const ran = (journeyVersion: number) => ({
      executionArn: ARN2,
      journeyId: 'winback',
      journeyVersion,
      states,
    });
    expect(withFoldedUpdates(ran(1), [winback]).states.map((s) => s.name)).toEqual(['gift', 'offer']);
    expect(withFoldedUpdates(ran(2), [winback])).toEqual(ran(2));
  });

  it('is how buildTimeline shows an execution when given the journeys (the console and rapport customer)', () => {
    const execution = { executionArn: ARN2, journeyId: 'winback', states: [{ name: 'offer', at: at(0) }] };
    const steps = (journeys: (typeof winback)[]) =>
      buildTimeline({ ...ITEMS, executions: [execution] }, journeys)
        .entries.filter((e) => e.type === 'step' && e.executionArn === ARN2)
        .map((e) => (e.type === 'step' ? e.state : ''));
    expect(steps([winback])).toEqual(['gift', 'offer']);
    expect(steps([])).toEqual(['offer']);
  });
});

describe('why', () => {
  const timeline = buildTimeline(ITEMS);
  it('a sent message: the purchase, the stage and tier it moved, the entry, the branch, the checks passed', () => {
    const answer = why(timeline, 'm-thanks')!;
    expect(answer.entry?.executionName).toBe('welcome-c-1-abc');
    expect(answer.triggerEvent?.eventId).toBe('e-1');
    expect(answer.lifecycle.map((c) => `${c.type}:${c.to}`)).toEqual(['stage:first-purchase', 'tier:vip']);
    expect(answer.path.map((p) => p.type)).toEqual(['step', 'decision', 'step']);
    expect(whyLines(answer)).toEqual([
      'Message m-thanks: welcome v3, step thanks (marketing)',
      '  2026-01-01T10:00:00Z  event purchase e-1 received',
      '  2026-01-01T10:00:00Z  stage (none) → first-purchase because purchase e-1',
      '  2026-01-01T10:00:00Z  tier regular → vip because purchase e-1',
      '  2026-01-01T10:00:05Z  entered welcome v3 because purchase e-1',
      '  2026-01-01T10:00:05Z  step vip?',
      '  2026-01-01T10:00:05Z  branch vip? took "yes"',
      // A decision stored before decisions kept their explanation.
      '      conditions not recorded',
      '  2026-01-01T10:00:05Z  step thanks',
      '  2026-01-01T10:00:05Z  policy passed: address, suppression, consent (channel), control group, marketing pause, quiet hours, open hours and closed days, frequency cap',
      '  2026-01-01T10:00:06Z  email thanks sent at 2026-01-01T10:00:06Z',
      '  to li@example.com',
    ]);
  });

  it('a skipped message from a timer-started journey: the timer, the stage it moved, the check that held it', () => {
    const answer = why(timeline, 'm-winback')!;
    expect(answer.triggerEvent).toBeUndefined();
    expect(answer.lifecycle.map((c) => c.to)).toEqual(['dormant']);
    expect(answer.path).toEqual([]);
    expect(answer.policy).toEqual(['held by: the address is suppressed (a bounce, complaint or opt-out)']);
    expect(whyLines(answer)).toContain(
      '  2026-04-01T10:00:01Z  entered winback v1 because the lifecycle timer timer:dormant:2026-04-01T10:00:00Z (time passed)',
    );
  });

  it('a deferred message says until when; an unknown key has no answer; the latest message is the default', () => {
    expect(why(timeline, 'm-tip')?.outcome).toBe(
      "email thanks deferred: quiet hours in the customer's time zone, until 2026-01-02T01:00:00Z",
    );
    expect(why(timeline, 'm-none')).toBeUndefined();
    expect(latestMessage(timeline)?.messageKey).toBe('m-winback');
  });
});

describe('the partition as items, and the HTML', () => {
  it('sorts raw items by kind and drops the keys and due-index attributes', () => {
    const items = customerItemsOf('c-1', [
      { pk: 'CUSTOMER#c-1', sk: 'PROFILE', dueShard: 'DUE#1', dueAt: 'x', ...profile },
      {
        pk: 'CUSTOMER#c-1',
        sk: 'EVENT#e-3',
        dueShard: 'DUE#1',
        dueAt: '!',
        customerId: 'c-1',
        eventId: 'e-3',
        type: 'purchase',
        at: '2026-06-01T00:00:00Z',
        state: 'claimed',
      },
      { pk: 'CUSTOMER#c-1', sk: 'MESSAGE#m', ...message({}) },
      { pk: 'CUSTOMER#c-1', sk: 'PACING', version: 1 },
    ]);
    expect(items.profile).not.toHaveProperty('pk');
    expect(items.profile).not.toHaveProperty('dueShard');
    expect(items.events).toEqual([
      { customerId: 'c-1', eventId: 'e-3', type: 'purchase', at: '2026-06-01T00:00:00Z', state: 'claimed' },
    ]);
    expect(items.messages.map((m) => m.messageKey)).toEqual(['m-thanks']);
    expect(timelineLines(buildTimeline(items).entries)).toContain(
      '2026-06-01T00:00:00Z  event purchase e-3 being applied (claimed)',
    );
  });

  it('escapes every value and marks each message with its key and status', () => {
    const timeline = buildTimeline(ITEMS);
    const html = renderTimeline(timeline);
    expect(html).toContain('&#60;b&#62;late&#60;/b&#62; &#38; cold');
    expect(html).not.toContain('<b>');
    expect(html).toContain('<li class="entry entry-message" data-message="m-tip" data-status="deferred">');
    expect(html.match(/<li /g)).toHaveLength(timeline.entries.length);
    const whyHtml = renderWhy(why(timeline, 'm-thanks')!);
    expect(whyHtml).toContain('<h3>Message m-thanks: welcome v3, step thanks (marketing)</h3>');
    expect(whyHtml).toContain('<li>to li@example.com</li>');
  });
});

describe('decisionWords', () => {
  it("says a branch took its default rather than quoting the '' it is stored as", () => {
    const d = { kind: 'branch', stepId: 'vip-or-not', holdout: false };
    expect(decisionWords({ ...d, path: '' })).toBe('branch vip-or-not took the default path');
    expect(decisionWords({ ...d, path: 'vip' })).toBe('branch vip-or-not took "vip"');
    expect(decisionWords({ ...d, kind: 'split', path: 'control', holdout: true })).toBe(
      'split vip-or-not took "control" (holdout)',
    );
  });
});
