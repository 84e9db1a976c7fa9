import { memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { compileJourney } from '../../domain/journey/compile';
import { fusedBranches, updatesFoldedIntoSends, waitComputedAtStart } from '../../domain/journey/fusion';
import { Journey } from '../../domain/journey/schema';
import { parseJourneyStepInput, runJourneyStep } from '../../domain/journey/step-actions';
import { messageKey } from '../../domain/messages/send';
import type { CustomerStore, DecisionRecord } from '../../domain/ports';
import { seedProfile } from '../handlers/support';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const clock = fixedClock('2026-11-22T10:00:05Z');
const deps = (store: CustomerStore) => ({ store, clock });
const origin = {
  customerId: 'c-42',
  journeyId: 'j',
  journeyVersion: 2,
  executionId: 'arn:aws:states:local:000000000000:execution:rapport-j:x',
};
const tagged = { stepId: 'tagged', paths: [{ name: 'yes', when: { tag: 'gifted' } }] };
const update = { set: {}, addTags: ['gifted'], removeTags: [] };

const recorded = new WeakMap<CustomerStore, DecisionRecord[]>();
/** A store with the customer, that keeps every decision stored (the first one per key). */
async function customer() {
  const store = memoryStore();
  await seedProfile(store, lifecycle);
  const decisions: DecisionRecord[] = [];
  const record = store.recordDecision.bind(store);
  store.recordDecision = async (r) => {
    const stored = await record(r);
    if (!decisions.some((d) => d.decisionKey === stored.decisionKey)) decisions.push(stored);
    return stored;
  };
  recorded.set(store, decisions);
  return store;
}
const decisionsOf = (store: CustomerStore): DecisionRecord[] => recorded.get(store) ?? [];

describe('a branch decided by the Task before it', () => {
  it('after an update: decided on the updated customer, recorded exactly as the branch action records it', async () => {
    const fused = await customer();
    const result = await runJourneyStep(
      parseJourneyStepInput({ ...origin, action: 'update', stepId: 'gift', update, branch: tagged }),
      deps(fused),
    );
    expect(result).toEqual({ updated: true, decision: { path: 'yes', holdout: false } });

    // The same two steps as their own Tasks: the update, then the branch.
    const apart = await customer();
    await runJourneyStep({ ...origin, action: 'update', stepId: 'gift', update }, deps(apart));
    expect(
      await runJourneyStep(
        { ...origin, action: 'branch', stepId: 'tagged', paths: tagged.paths },
        deps(apart),
      ),
    ).toEqual({ path: 'yes', holdout: false });
    expect(decisionsOf(fused)).toEqual(decisionsOf(apart));
    expect(decisionsOf(fused)).toEqual([expect.objectContaining({ stepId: 'tagged', kind: 'branch' })]);
  });

  it("testing the entry event's properties: the ASL passes them with the branch, and they decide it", async () => {
    const journey = Journey.parse({
      id: 'j',
      version: 2,
      description: 'd',
      entry: { event: 'purchase' },
      steps: [
        { id: 'pause', type: 'wait', duration: '1d' },
        { id: 'gift', type: 'update', addTags: ['gifted'] },
        {
          id: 'big',
          type: 'branch',
          paths: [{ name: 'yes', when: { event: { amount: { gte: 100 } } }, next: 'end' }],
          default: 'end',
        },
        { id: 'end', type: 'exit' },
      ],
    });
    const states = compileJourney(journey).States as Record<string, { Parameters?: { branch?: object } }>;
    const { 'event.$': eventPath, ...branch } = states.gift?.Parameters?.branch as Record<string, unknown>;
    expect(eventPath).toBe('$.event');
    // What the Task receives: the compiled branch, with the execution's `event` where the ASL reads it.
    const decide = async (amount: number) =>
      runJourneyStep(
        parseJourneyStepInput({
          ...origin,
          action: 'update',
          stepId: 'gift',
          update,
          branch: { ...branch, event: { amount } },
        }),
        deps(await customer()),
      );
    expect(await decide(100)).toEqual({ updated: true, decision: { path: 'yes', holdout: false } });
    expect(await decide(99)).toEqual({ updated: true, decision: { path: '', holdout: false } });
  });

  it('on a retry, answers the decision stored the first time, even if the customer changed', async () => {
    const store = await customer();
    const input = parseJourneyStepInput({
      ...origin,
      action: 'update',
      stepId: 'gift',
      update,
      branch: tagged,
    });
    await runJourneyStep(input, deps(store));
    const profile = (await store.getProfile('c-42'))!;
    await store.putProfile({ ...profile, tags: [], version: profile.version + 1 });
    expect(await runJourneyStep(input, deps(store))).toEqual({
      updated: true,
      decision: { path: 'yes', holdout: false },
    });
    expect(decisionsOf(store)).toHaveLength(1);
  });

  it('after a send that gave up: the failure is recorded, then the branch decided (no path matches: "")', async () => {
    const store = await customer();
    const result = await runJourneyStep(
      parseJourneyStepInput({
        ...origin,
        action: 'send-failed',
        stepId: 'offer',
        channel: 'email',
        template: 'personal-offer',
        category: 'marketing',
        topic: 'offers',
        priority: 'normal',
        error: 'MessageThrottledError',
        branch: tagged,
      }),
      deps(store),
    );
    expect(result).toEqual({
      status: 'failed',
      error: 'MessageThrottledError',
      recorded: true,
      decision: { path: '', holdout: false },
    });
    expect(await store.getMessage('c-42', messageKey(origin.executionId, 'offer'))).toMatchObject({
      status: 'failed',
    });
    expect(decisionsOf(store)).toEqual([
      expect.objectContaining({
        stepId: 'tagged',
        kind: 'branch',
        path: '',
        executionId: origin.executionId,
      }),
    ]);
  });

  it('without a branch passed (an execution compiled before), answers as before and decides nothing', async () => {
    const store = await customer();
    expect(
      await runJourneyStep({ ...origin, action: 'update', stepId: 'gift', update }, deps(store)),
    ).toEqual({ updated: true });
    expect(decisionsOf(store)).toEqual([]);
  });
});

describe('which branches and waits the compiler folds into the step before', () => {
  const journey = (steps: unknown[]) =>
    Journey.parse({ id: 'j', version: 1, description: 'd', entry: { tier: 'vip' }, steps });
  const send = (id: string, next?: string) => ({
    id,
    type: 'send',
    channel: 'email',
    template: 't',
    topic: 'offers',
    ...(next ? { next } : {}),
  });
  const branch = (id: string) => ({
    id,
    type: 'branch',
    paths: [{ name: 'vip', when: { tier: 'vip' }, next: 'done' }],
    default: 'done',
  });
  const done = { id: 'done', type: 'exit' };
  const fusedIds = (steps: unknown[]) => [...fusedBranches(journey(steps))].map(([b, by]) => `${by.id}>${b}`);

  it('a branch right after a send or an update, and only with that one way in', () => {
    expect(fusedIds([send('a'), branch('b'), done])).toEqual(['a>b']);
    expect(fusedIds([send('a'), { id: 'u', type: 'update', addTags: ['x'] }, branch('b'), done])).toEqual([
      'u>b',
    ]);
    // Two ways in: the branch keeps its own Task.
    expect(fusedIds([send('a', 'b'), send('c'), branch('b'), done])).toEqual([]);
  });

  it('not at the start, nor after a Wait, a Choice, a wait-for-event or a task step (no Rapport code runs)', () => {
    expect(fusedIds([branch('b'), done])).toEqual([]);
    expect(fusedIds([{ id: 'w', type: 'wait', duration: '1d' }, branch('b'), done])).toEqual([]);
    expect(
      fusedIds([
        { id: 't', type: 'task', assignee: 'relationship-manager', title: 'Call', priority: 'normal' },
        branch('b'),
        done,
      ]),
    ).toEqual([]);
    expect(
      fusedIds([
        { id: 'e', type: 'wait-for-event', event: 'purchase', timeout: '1d', onEvent: 'b', onTimeout: 'b' },
        branch('b'),
        done,
      ]),
    ).toEqual([]);
    expect(
      fusedIds([
        send('a'),
        {
          id: 'first',
          type: 'branch',
          paths: [{ name: 'x', when: { tier: 'vip' }, next: 'b' }],
          default: 'b',
        },
        branch('b'),
        done,
      ]),
    ).toEqual(['a>first']);
  });

  it('a split after a send keeps its own Task', () => {
    const split = {
      id: 's',
      type: 'split',
      paths: [
        { name: 'a', percent: 50, next: 'done' },
        { name: 'b', percent: 50, next: 'done', holdout: true },
      ],
    };
    expect(fusedIds([send('a'), split, done])).toEqual([]);
  });

  it('a first wait until a computed instant; not a wait for a duration, nor a later one', () => {
    const until = { id: 'w', type: 'wait', until: { timeOfDay: '10:00' } };
    expect(waitComputedAtStart(journey([until, send('a')]))?.id).toBe('w');
    expect(
      waitComputedAtStart(journey([{ id: 'd', type: 'wait', duration: '1d' }, send('a')])),
    ).toBeUndefined();
    expect(waitComputedAtStart(journey([send('a'), until]))).toBeUndefined();
  });

  it('an update right before a send with no other way in, reached by ordinary next steps', () => {
    const gift = { id: 'gift', type: 'update', addTags: ['gift'] };
    const folded = (steps: unknown[]) =>
      [...updatesFoldedIntoSends(journey(steps))].map(([u, by]) => `${u}>${by.id}`);
    const wait = { id: 'w', type: 'wait', duration: '1d' };
    expect(folded([wait, gift, send('offer'), done])).toEqual(['gift>offer']);
    // The first step, the start its one way in; not one a later step leads back to.
    expect(folded([gift, send('offer'), done])).toEqual(['gift>offer']);
    expect(folded([gift, send('offer'), { ...wait, next: 'gift' }])).toEqual([]);
    // A send another step leads to as well; an update a Choice leads to: not folded.
    expect(folded([send('a', 'offer'), wait, gift, send('offer'), done])).toEqual([]);
    expect(
      folded([
        send('a'),
        { ...branch('b'), paths: [{ name: 'vip', when: { tier: 'vip' }, next: 'gift' }] },
        gift,
        send('offer'),
        done,
      ]),
    ).toEqual([]);
    // Not before a wait.
    expect(folded([wait, gift, { id: 'w2', type: 'wait', duration: '1d' }, send('offer'), done])).toEqual([]);
  });

  it('a first update folded: the execution starts at the send, which is passed the update', () => {
    const asl = compileJourney(
      journey([{ id: 'gift', type: 'update', addTags: ['gift'] }, send('offer'), done]),
    );
    expect(asl.StartAt).toBe('offer');
    expect(Object.keys(asl.States)).not.toContain('gift');
    expect(asl.States.offer).toMatchObject({
      Parameters: { update: { stepId: 'gift', set: {}, addTags: ['gift'], removeTags: [] } },
    });
  });
});
