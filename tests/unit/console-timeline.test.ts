import { decisionWords, timelineLines } from '../../domain/console/describe';
import { buildTimeline, TIMELINE_ENTRY_TYPES, type Timeline } from '../../domain/console/timeline';
import { withFoldedUpdates } from '../../domain/console/executions';
import { Journey } from '../../domain/journey/schema';
import { ARN, ARN2, ITEMS } from '../support/console-items';

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
