import { SHIPPED_JOURNEY_IDS } from '../support/workflows';
import { loadWorkflows } from '../../domain/config/load';
import { compileJourney, targetsOf, type Asl, type AslState } from '../../domain/journey/compile';
import type { Journey } from '../../domain/journey/schema';
import {
  InvalidExecutionPathError,
  transitionsOfPath,
  walkExecution,
  type ExecutionScript,
} from '../../domain/simulate/transitions';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * The billed state transitions of each shipped journey's main paths, walked through the compiled ASL
 * (what CDK deploys). A change to a journey or to the compiler that makes a path dearer shows up here:
 * at $0.025 per 1,000 transitions, one more state on a path every customer takes is $25 a month per
 * million executions.
 */
const workflows = loadWorkflows(WORKFLOWS_DIR);
const aslOf = (id: string): Asl => {
  const loaded = workflows.journeys.find((j) => j.journey.id === id);
  if (!loaded) throw new Error(`no shipped journey ${id}`);
  return JSON.parse(loaded.asl) as Asl;
};
const transitions = (asl: Asl, script: ExecutionScript = {}) =>
  transitionsOfPath(asl, walkExecution(asl, script));

// A send deferred once by quiet hours: its Catch of SendDeferredError goes to the task that reads until
// when, then the Wait, which runs the send again.
const deferredOnce = (send: string) => ({ [send]: [`${send}-deferred`] });

describe('first-small-purchase', () => {
  const asl = aslOf('first-small-purchase');

  it('a customer who never buys again enters every state of the ordinary path: 5 transitions', () => {
    const path = walkExecution(asl);
    // One state per send: no Choice after a send (a deferral is caught); the last send ends the execution
    // in place of the exit.
    expect(path).toEqual([
      'thank-you',
      'let-it-arrive',
      'how-to-get-the-most',
      'give-it-time',
      'suggest-next-step',
    ]);
    expect(transitionsOfPath(asl, path)).toBe(5);
  });

  it.each([
    ['reaches the goal during the 11-day wait (execution stopped)', 4, { stopIn: 'give-it-time' }],
    ['never buys again, the thank-you deferred once by quiet hours', 8, { turns: deferredOnce('thank-you') }],
    [
      'never buys again, the thank-you failing for good after its 6 retries',
      12,
      { turns: { 'thank-you': [...Array<string>(6).fill('thank-you'), 'thank-you-failed'] } },
    ],
  ])('a customer who %s: %i transitions', (_what, expected, script) => {
    expect(transitions(asl, script)).toBe(expected);
  });
});

describe.each([
  // Single-send journeys: the send, which ends the execution.
  ['birthday-greeting', {}, 1],
  ['mid-autumn-greeting', {}, 1],
  ['spring-festival-greeting', {}, 1],
  // Deferred once: the send, the task that reads until when, the Wait, the send again.
  ['birthday-greeting', { turns: deferredOnce('greet') }, 4],
  // A wait first.
  ['nps-survey', {}, 2],
  ['post-purchase-check-in', {}, 2],
  ['referral-invitation', {}, 2],
  ['service-recovery', {}, 4],
  // The send's Task decides the branch after it: the branch is its Choice alone (send, Choice, exit).
  ['loyal-appreciation', {}, 3],
  ['loyal-appreciation', { turns: { 'vip-or-not': ['wait-before-inviting'] } }, 6],
  // Deferred once, the send decides when it runs again; failing for good, its `-failed` Task decides.
  ['loyal-appreciation', { turns: deferredOnce('personal-thanks') }, 6],
  ['loyal-appreciation', { turns: { 'personal-thanks': ['personal-thanks-failed'] } }, 4],
  // The first wait's instant comes with the execution's input: the journey begins with its Wait; the
  // offer's Task grants the gift first, then sends, then decides VIP or not. A regular customer's journey
  // ends after the offer; a VIP waits a week more for the call.
  ['dormancy-reactivation', {}, 6],
  ['dormancy-reactivation', { turns: { 'vip-or-not': ['then-a-person'] } }, 7],
  ['dormancy-reactivation', { stopIn: 'give-it-a-week' }, 3],
  // The offer (its Task applies the gift's update first: the execution starts there), the wait for a
  // click: a clicker waits three days for the note offering help; without a click, the reminder.
  ['win-back', {}, 4],
  ['win-back', { turns: { 'offer-clicked': ['last-reminder'] } }, 3],
] as const)('%s, %j', (id, script, expected) => {
  it(`costs ${expected} transitions`, () => {
    expect(transitions(aslOf(id), script)).toBe(expected);
  });
});

it('every shipped journey is pinned above', () => {
  expect(workflows.journeys.map((j) => j.journey.id).sort()).toEqual(SHIPPED_JOURNEY_IDS);
});

describe('adding a send step', () => {
  const { journey } = workflows.journeys.find((j) => j.journey.id === 'first-small-purchase')!;
  const before = compileJourney(journey, workflows.calendar);
  // The same send as the tips email, one more time after the wait: a copy keeps every parsed default.
  const tips = journey.steps.find((s) => s.id === 'how-to-get-the-most')!;
  const at = journey.steps.indexOf(tips) + 1;
  const withSend: Journey = {
    ...journey,
    steps: [...journey.steps.slice(0, at), { ...tips, id: 'one-more-tip' }, ...journey.steps.slice(at)],
  };
  const after = compileJourney(withSend, workflows.calendar);
  const added = new Set(Object.keys(after.States).filter((name) => !(name in before.States)));

  /** The added states a path enters, counted from the ASL: from the send, on through added states only. */
  const addedOnPath = (from: string, turns: Record<string, string[]> = {}) => {
    const entered: string[] = [];
    const seen = new Map<string, number>();
    for (let name: string | undefined = from; name !== undefined && added.has(name);) {
      entered.push(name);
      const visit: number = seen.get(name) ?? 0;
      seen.set(name, visit + 1);
      const state: AslState = after.States[name]!;
      name = turns[name]?.[visit] ?? (state.Type === 'Choice' ? state.Default : targetsOf(state)[0]);
    }
    return entered.length;
  };

  it('adds states to the ASL, the send first', () => {
    expect(added.has('one-more-tip')).toBe(true);
    expect(added.size).toBeGreaterThan(1);
  });

  it('raises a sent message path by exactly the added states it enters', () => {
    const onPath = addedOnPath('one-more-tip');
    expect(onPath).toBeGreaterThan(0);
    expect(transitions(after) - transitions(before)).toBe(onPath);
  });

  it('raises a path deferred once at the new send by exactly the added states that path enters', () => {
    const turns = deferredOnce('one-more-tip');
    const onPath = addedOnPath('one-more-tip', turns);
    expect(onPath).toBeGreaterThan(addedOnPath('one-more-tip'));
    expect(transitions(after, { turns }) - transitions(before)).toBe(onPath);
  });

  it('leaves a path that stops before it unchanged', () => {
    expect(transitions(after, { stopIn: 'let-it-arrive' })).toBe(
      transitions(before, { stopIn: 'let-it-arrive' }),
    );
  });
});

describe('transitionsOfPath refuses a path the state machine cannot take', () => {
  const asl = aslOf('first-small-purchase');
  const problemsOf = (path: string[]) => {
    try {
      transitionsOfPath(asl, path);
    } catch (e) {
      if (e instanceof InvalidExecutionPathError) return e.problems;
      throw e;
    }
    throw new Error('the path was accepted');
  };

  it('lists every wrong step: the start, a skipped state, an unknown state, too many retries', () => {
    const path = ['let-it-arrive', 'thank-you', 'how-to-get-the-most', 'nowhere'];
    expect(problemsOf(path).map((p) => p.field)).toEqual(['[0]', '[1]', '[2]', '[3]']);
    // A send is retried 5 times when throttled and 6 for the other retried errors.
    const retriedTooOften = Array.from({ length: 13 }, () => 'thank-you');
    expect(() => transitionsOfPath(asl, retriedTooOften)).toThrow(/at most 11 retries of thank-you/);
  });

  it('counts a retry as one transition more', () => {
    expect(transitionsOfPath(asl, ['thank-you', 'thank-you', 'thank-you-deferred'])).toBe(3);
  });

  it('does not let a Choice retry', () => {
    const dormancy = aslOf('dormancy-reactivation');
    const path = walkExecution(dormancy, { stopIn: 'vip-or-not-route' });
    expect(() => transitionsOfPath(dormancy, [...path, 'vip-or-not-route'])).toThrow(
      InvalidExecutionPathError,
    );
  });
});
