import { memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { compileJourney } from '../../domain/journey/compile';
import { customerMatches, pickSplitPath, splitBucket } from '../../domain/journey/conditions';
import { runJourneyStep } from '../../domain/journey/step-actions';
import { loopWithoutWait, unreachableSteps } from '../../domain/journey/steps';
import { newProfile } from '../../domain/lifecycle/apply';
import type { Profile } from '../../domain/profile/profile';
import { holdoutSplit, testJourney } from '../support/journeys';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const clock = fixedClock('2026-11-22T10:00:00Z');
const customer = (patch: Partial<Profile> = {}): Profile => ({
  ...newProfile('c-1', lifecycle, clock.now()),
  ...patch,
});

const journey = testJourney({
  id: 'vip-or-not',
  version: 3,
  entry: { stage: 'loyal' },
  steps: [
    {
      id: 'who',
      type: 'branch',
      paths: [
        { name: 'vip', when: { tier: 'vip' }, next: 'invite' },
        { name: 'lapsed', when: { stage: ['dormant', 'lost'] }, next: 'done' },
      ],
      default: 'test',
    },
    { id: 'invite', type: 'update', addTags: ['invited'], next: 'done' },
    holdoutSplit('test', 'done'),
    { id: 'done', type: 'exit' },
  ],
});

describe('branch conditions', () => {
  it.each([
    [{ tier: 'vip' }, { tier: 'vip' }, true],
    [{ tier: 'vip' }, { tier: 'regular' }, false],
    [{ stage: ['dormant', 'lost'] }, { stage: 'lost' }, true],
    [{ attribute: { name: 'aum', min: 100 } }, { attributes: { aum: 150 } }, true],
    [{ attribute: { name: 'aum', min: 100 } }, { attributes: { aum: '150' } }, false],
    [{ tag: 'invited' }, { tags: ['invited'] }, true],
    // Never answered: unknown, not subscribed (implied consent is no opt-in).
    [{ emailConsent: 'subscribed' }, {}, false],
    [{ emailConsent: ['subscribed', 'unknown'] }, {}, true],
    [{ lastEvent: 'purchase' }, { lastEvent: { eventId: 'e', type: 'profile', at: 'x' } }, false],
    [{ tier: 'vip', purchaseCount: { min: 2 } }, { tier: 'vip', purchaseCount: 1 }, false],
  ] as const)('%j on %j → %s', (when, patch, expected) => {
    expect(customerMatches(when as never, customer(patch as Partial<Profile>))).toBe(expected);
  });
});

describe('splits', () => {
  it('are fixed per customer and close to their percentages across customers', () => {
    const paths = [
      { name: 'a', percent: 45 },
      { name: 'b', percent: 45 },
      { name: 'holdout', percent: 10 },
    ];
    const counts: Record<string, number> = { a: 0, b: 0, holdout: 0 };
    for (let i = 0; i < 20_000; i++) counts[pickSplitPath(paths, splitBucket('j', 's', `c-${i}`)).name]!++;
    expect(counts.a! / 20_000).toBeCloseTo(0.45, 1);
    expect(counts.holdout! / 20_000).toBeCloseTo(0.1, 1);
    expect(splitBucket('j', 's', 'c-1')).toBe(splitBucket('j', 's', 'c-1'));
    expect(splitBucket('j', 's', 'c-1')).not.toBe(splitBucket('j', 'other-step', 'c-1'));
  });
});

describe('compiled branch and split', () => {
  const asl = compileJourney(journey);

  it('become a decision Task and a Choice on its result, named after the step', () => {
    expect(asl.States.who).toMatchObject({
      Type: 'Task',
      Resource: '${JourneyStepFunctionArn}',
      Parameters: {
        action: 'branch',
        stepId: 'who',
        paths: [{ name: 'vip', when: { tier: 'vip' } }, { name: 'lapsed' }],
      },
      ResultPath: '$.decisions.who',
      Next: 'who-route',
    });
    expect(asl.States['who-route']).toEqual({
      Type: 'Choice',
      Comment: 'Follow the path chosen at who',
      Choices: [
        { Variable: '$.decisions.who.path', StringEquals: 'vip', Next: 'invite' },
        { Variable: '$.decisions.who.path', StringEquals: 'lapsed', Next: 'done' },
      ],
      Default: 'test',
    });
    // Its next step is the exit: it ends the execution itself.
    expect(asl.States.invite).toMatchObject({
      Parameters: { action: 'update', update: { addTags: ['invited'] } },
      End: true,
    });
    expect(asl.States['test-route']).toMatchObject({ Type: 'Choice', Default: 'done' });
  });
});

describe('journey-step actions', () => {
  const input = {
    customerId: 'c-1',
    journeyId: 'vip-or-not',
    journeyVersion: 3,
    executionId: 'arn:x:exec:1',
  };

  it('a branch takes the first matching path, and keeps it on a retry even if the customer changed', async () => {
    const store = memoryStore();
    await store.putProfile({ ...customer({ tier: 'vip' }), version: 1 });
    const step = {
      ...input,
      action: 'branch' as const,
      stepId: 'who',
      paths: [{ name: 'vip', when: { tier: 'vip' } }],
    };
    expect(await runJourneyStep(step, { store, clock })).toEqual({ path: 'vip', holdout: false });
    await store.putProfile({ ...customer({ tier: 'regular' }), version: 2 });
    expect(await runJourneyStep(step, { store, clock })).toEqual({ path: 'vip', holdout: false });
    expect(await runJourneyStep({ ...step, executionId: 'arn:x:exec:2' }, { store, clock })).toEqual({
      path: '',
      holdout: false,
    });
  });

  it('an update sets attributes and tags once; running it again changes nothing', async () => {
    const store = memoryStore();
    await store.putProfile({ ...customer({ tags: ['a'] }), version: 1 });
    const step = {
      ...input,
      action: 'update' as const,
      stepId: 'invite',
      update: { set: { rm: 'Wang' }, addTags: ['invited'], removeTags: ['a'] },
    };
    expect(await runJourneyStep(step, { store, clock })).toEqual({ updated: true });
    expect(await runJourneyStep(step, { store, clock })).toEqual({ updated: false });
    expect(store.profiles.get('c-1')).toMatchObject({
      attributes: { rm: 'Wang' },
      tags: ['invited'],
      version: 2,
    });
  });
});

describe('static checks of the step graph', () => {
  const parse = (steps: Parameters<typeof testJourney>[0]['steps']) =>
    testJourney({ id: 'j', entry: { event: 'purchase' }, steps });

  it('finds steps nothing leads to', () => {
    expect(unreachableSteps(journey)).toEqual([]);
    expect(
      unreachableSteps(
        parse([
          { id: 'a', type: 'exit' },
          { id: 'b', type: 'wait', duration: '1d' },
        ]),
      ),
    ).toEqual(['b']);
  });

  it('finds a loop without a wait, and accepts one with a wait', () => {
    const loop = parse([
      { id: 'a', type: 'update', addTags: ['x'], next: 'b' },
      { id: 'b', type: 'branch', paths: [{ name: 'again', when: { tag: 'x' }, next: 'a' }], default: 'c' },
      { id: 'c', type: 'exit' },
    ]);
    expect(loopWithoutWait(loop)).toEqual(['a', 'b']);
    const paced = parse([
      { id: 'a', type: 'wait', duration: '7d' },
      { id: 'b', type: 'branch', paths: [{ name: 'again', when: { tag: 'x' }, next: 'a' }], default: 'c' },
      { id: 'c', type: 'exit' },
    ]);
    expect(loopWithoutWait(paced)).toBeUndefined();
  });
});
