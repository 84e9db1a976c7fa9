import { inbox, itemsOf, postEvent, profileOf } from '../support/local';
import { startScratchRuntime, type ScratchRuntime } from '../support/scratch';
import { splitBucket } from '../../domain/journey/conditions';
import type { LocalRuntime } from '../../local/runtime';

/**
 * A journey with a branch, an update, a task for a person and a split, compiled and run by the local
 * runtime. `tagged` and `still-vip` come right after an update and a send: those steps' Tasks decide them
 * (domain/journey/fusion.ts), and each is a Choice alone.
 */
const JOURNEY = `id: welcome-by-tier
version: 1
description: Thank VIPs personally and tag them; test a tip on everyone else against a holdout.
entry: { event: purchase }
steps:
  - id: who
    type: branch
    paths:
      - { name: vip, when: { tier: vip }, next: mark-vip }
    default: ab-test
  - { id: mark-vip, type: update, addTags: [welcomed-vip], set: { welcomeTrack: vip } }
  - id: tagged
    type: branch
    paths:
      - { name: yes, when: { tag: welcomed-vip }, next: thank-vip }
    default: done
  - { id: thank-vip, type: send, channel: email, template: first-purchase-thanks, topic: offers }
  - id: still-vip
    type: branch
    paths:
      - { name: vip, when: { tier: vip }, next: call-vip }
    default: done
  - { id: call-vip, type: task, assignee: relationship-manager, title: Call to welcome this new VIP, priority: high, next: done }
  - id: ab-test
    type: split
    paths:
      - { name: tip, percent: 50, next: send-tip }
      - { name: holdout, percent: 50, next: done, holdout: true }
  - { id: send-tip, type: send, channel: email, template: first-purchase-tips, topic: offers }
  - { id: done, type: exit }
`;

const tierCheck = (had: string, held: boolean) => ({ key: 'tier', wanted: 'vip', had, held });

describe('branch, update and split on the local runtime', () => {
  let runtime: LocalRuntime;
  let scratch: ScratchRuntime;
  beforeAll(async () => {
    scratch = await startScratchRuntime({ 'welcome-by-tier': JOURNEY });
    ({ runtime } = scratch);
  });
  afterAll(() => scratch.stop());

  const purchase = (customerId: string, attributes: Record<string, number> = {}) => ({
    eventId: `e-${customerId}`,
    type: 'purchase',
    customerId,
    at: '2026-11-22T10:00:00Z',
    amount: 500,
    currency: 'CNY',
    customer: { email: `${customerId}@example.com`, locale: 'en', attributes },
  });

  it('routes each customer by tier, then by a split fixed per customer, records every decision, and asks a person to act', async () => {
    const regulars = Array.from({ length: 6 }, (_, i) => `r-${i}`);
    expect((await postEvent(runtime, purchase('vip-1', { assetsUnderManagement: 5_000_000 }))).status).toBe(
      202,
    );
    for (const id of regulars) expect((await postEvent(runtime, purchase(id))).status).toBe(202);
    await runtime.stepFunctions.settled();

    const journeyRuns = runtime.stepFunctions
      .listExecutions()
      .filter((e) => e.stateMachineArn.endsWith('rapport-welcome-by-tier'));
    expect(journeyRuns).toHaveLength(7);
    expect(journeyRuns.map((e) => e.status)).toEqual(Array(7).fill('SUCCEEDED'));

    const vip = await profileOf(runtime, 'vip-1');
    expect(vip).toMatchObject({ tier: 'vip', tags: ['welcomed-vip'], attributes: { welcomeTrack: 'vip' } });
    const vipRun = journeyRuns.find((e) => e.name.includes('vip-1'))!;
    expect(vipRun.statesEntered.map((s) => s.name)).toEqual([
      'who',
      'who-route',
      'mark-vip',
      // Decided by mark-vip's Task once the tag was added, and by thank-vip's once the email went out.
      'tagged',
      'thank-vip',
      'still-vip',
      // The exit after the task: the task ends the execution itself (no Succeed state to enter).
      'call-vip',
    ]);
    // Recorded under the branches' own step ids, as their own Tasks would have recorded them.
    const vipDecisions = await itemsOf(runtime, 'vip-1', 'DECISION#');
    expect(vipDecisions.map((d) => [d.stepId, d.kind, d.path, d.holdout]).sort()).toEqual(
      [
        ['still-vip', 'branch', 'vip', false],
        ['tagged', 'branch', 'yes', false],
        ['who', 'branch', 'vip', false],
      ].sort(),
    );
    // Each with how it was decided, in the same item: the fused branches too.
    const vipTier = { kind: 'branch', paths: [{ name: 'vip', checks: [tierCheck('vip', true)] }] };
    expect(Object.fromEntries(vipDecisions.map((d) => [d.stepId, d.explanation]))).toEqual({
      who: vipTier,
      'still-vip': vipTier,
      tagged: {
        kind: 'branch',
        paths: [{ name: 'yes', checks: [{ key: 'tag', wanted: 'welcomed-vip', had: true, held: true }] }],
      },
    });
    // The request to a person, as it would be published on the EventBridge bus.
    expect(runtime.tasks).toEqual([
      expect.objectContaining({
        eventBusName: 'rapport',
        source: 'rapport.journeys',
        detailType: 'Rapport Task',
        detail: {
          customerId: 'vip-1',
          journeyId: 'welcome-by-tier',
          journeyVersion: 1,
          stepId: 'call-vip',
          assignee: 'relationship-manager',
          title: 'Call to welcome this new VIP',
          priority: 'high',
          taskId: expect.stringMatching(/^[0-9a-f]{64}$/),
          executionId: vipRun.executionArn,
        },
      }),
    ]);
    expect((await inbox(runtime, 'vip-1@example.com')).map((e) => e.subject)).toEqual([
      'Thank you for your first order',
    ]);

    // Each regular customer's path is the one their hash puts them on; holdouts get nothing.
    for (const id of regulars) {
      const expected = splitBucket('welcome-by-tier', 'ab-test', id) < 50 ? 'tip' : 'holdout';
      const emails = await inbox(runtime, `${id}@example.com`);
      expect(emails.map((e) => e.subject)).toEqual(
        expected === 'tip' ? ['Three ways to get the most from your purchase'] : [],
      );
      const decisions = await itemsOf(runtime, id, 'DECISION#');
      expect(decisions.map((d) => [d.stepId, d.path, d.holdout]).sort()).toEqual(
        [
          ['ab-test', expected, expected === 'holdout'],
          ['who', '', false],
        ].sort(),
      );
      const explained = Object.fromEntries(decisions.map((d) => [d.stepId, d.explanation]));
      expect(explained.who).toEqual({
        kind: 'branch',
        paths: [{ name: 'vip', checks: [tierCheck('regular', false)] }],
      });
      expect(explained['ab-test']).toEqual({
        kind: 'split',
        bucket: splitBucket('welcome-by-tier', 'ab-test', id),
        arms: [
          { name: 'tip', from: 0, to: 50, percent: 50, holdout: false },
          { name: 'holdout', from: 50, to: 100, percent: 50, holdout: true },
        ],
      });
    }
  });
});
