import fc from 'fast-check';
import { loadWorkflows } from '../../domain/config/load';
import {
  compareArms,
  experiments,
  MIN_ARM_CUSTOMERS,
  newcombe,
  verdictOf,
  wilson,
  type ConversionFacts,
  type DecisionFacts,
} from '../../domain/console/experiments';
import type { Journey } from '../../domain/journey/schema';
import { experimentOf } from '../../domain/simulate/experiments';
import { renderExperiments } from '../../local/console/experiments';
import { WORKFLOWS_DIR } from '../support/paths';

const SCRIPT = '<script>alert(1)</script>';

describe('the statistics of a split', () => {
  it("gives Wilson's and Newcombe's intervals as computed by hand", () => {
    // By hand, z = 1.96, z²/n = 0.0038415:
    // 100/1000: centre (0.1 + 0.00192) / 1.00384 = 0.10153, half 1.9525·√(0.00009 + 0.00000096) = 0.01862
    //   → [0.0829, 0.1202]; 50/1000: centre 0.05172, half 1.9525·√0.00004846 = 0.01359 → [0.0381, 0.0653].
    // Lift 0.05: low 0.05 − √(0.0171² + 0.0153²) = 0.0271, high 0.05 + √(0.0202² + 0.0119²) = 0.0734.
    const a = wilson(100, 1000);
    expect(a.low).toBeCloseTo(0.0829, 4);
    expect(a.high).toBeCloseTo(0.1202, 4);
    const lift = newcombe(100, 1000, 50, 1000);
    expect(lift.estimate).toBeCloseTo(0.05, 10);
    expect(lift.low).toBeCloseTo(0.0271, 3);
    expect(lift.high).toBeCloseTo(0.0734, 3);
    // Where a normal interval collapses to one point (no conversion in either arm), this one does not:
    // Wilson's upper bound at 0/100 is z²/(n + z²) = 3.8415/103.8415 = 0.0370.
    const none = newcombe(0, 100, 0, 100);
    expect(none.low).toBeCloseTo(-0.037, 3);
    expect(none.high).toBeCloseTo(0.037, 3);
  });

  it('gives a verdict only from the interval, and none below the minimum per arm', () => {
    const enough = { customers: MIN_ARM_CUSTOMERS, conversions: 3 };
    const few = { customers: MIN_ARM_CUSTOMERS - 1, conversions: 3 };
    expect(verdictOf(enough, enough, { low: 1e-9, high: 0.2 })).toBe('winner');
    expect(verdictOf(enough, enough, { low: 0, high: 0.2 })).toBe('no difference yet');
    expect(verdictOf(enough, enough, { low: -0.2, high: 0 })).toBe('no difference yet');
    expect(verdictOf(enough, enough, { low: -0.2, high: -1e-9 })).toBe('worse');
    expect(verdictOf(few, enough, { low: 0.1, high: 0.2 })).toBe('not enough customers');
    expect(verdictOf(enough, few, { low: -0.2, high: -0.1 })).toBe('not enough customers');
  });

  it('compares every arm with the holdout, or with the first arm when there is none', () => {
    const arm = (name: string, customers: number, conversions: number, holdout = false) => ({
      arm: name,
      holdout,
      customers,
      conversions,
    });
    const held = compareArms([arm('a', 1000, 100), arm('b', 1000, 20), arm('rest', 1000, 50, true)]);
    expect(held.control).toBe('rest');
    expect(held.arms.map((a) => [a.arm, a.verdict])).toEqual([
      ['a', 'winner'],
      ['b', 'worse'],
      ['rest', 'control'],
    ]);
    const first = compareArms([arm('a', 40, 4), arm('b', 40, 5), arm('c', 10, 9)]);
    expect(first.control).toBe('a');
    expect(first.arms.map((a) => a.verdict)).toEqual([
      'control',
      'no difference yet',
      'not enough customers',
    ]);
    expect(first.arms[1]?.rate).toBe(5 / 40);
  });

  const arm = fc
    .integer({ min: 1, max: 2000 })
    .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

  it('gives an interval within [-1, 1] that holds the estimate', () => {
    fc.assert(
      fc.property(arm, arm, ([x1, n1], [x2, n2]) => {
        const { estimate, low, high } = newcombe(x1, n1, x2, n2);
        expect(estimate).toBe(x1 / n1 - x2 / n2);
        expect(low).toBeLessThanOrEqual(estimate);
        expect(high).toBeGreaterThanOrEqual(estimate);
        expect(low).toBeGreaterThanOrEqual(-1 - 1e-12);
        expect(high).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it('narrows as the arms grow at the same rates', () => {
    fc.assert(
      fc.property(arm, arm, fc.integer({ min: 2, max: 50 }), ([x1, n1], [x2, n2], k) => {
        const small = newcombe(x1, n1, x2, n2);
        const large = newcombe(k * x1, k * n1, k * x2, k * n2);
        expect(large.high - large.low).toBeLessThan(small.high - small.low);
      }),
    );
  });
});

describe('the simulator and the console agree', () => {
  // Conversions and customers of one arm, the customers from 1 to 2,000 (as in the statistics above).
  const arm = fc
    .integer({ min: 1, max: 2000 })
    .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

  it('give the same rates, intervals and winner for the same counts (the simulator has no statistics of its own)', () => {
    fc.assert(
      fc.property(arm, arm, arm, ([x1, n1], [x2, n2], [x3, n3]) => {
        const counts = [
          { arm: 'a', holdout: false, customers: n1, conversions: x1 },
          { arm: 'b', holdout: false, customers: n2, conversions: x2 },
          { arm: 'rest', holdout: true, customers: n3, conversions: x3 },
        ];
        const simulated = experimentOf('j', 'ab', counts);
        const shown = compareArms(counts);
        expect(simulated.arms).toEqual(shown.arms.map(({ verdict: _, ...a }) => a));
        expect(simulated.arms[0]?.lift).toEqual(newcombe(x1, n1, x3, n3));
        const winners = shown.arms.filter((a) => a.verdict === 'winner').sort((p, q) => q.rate - p.rate);
        const enough = counts.every((c) => c.customers >= MIN_ARM_CUSTOMERS);
        expect(simulated.verdict).toBe(
          !enough ? 'not enough customers' : winners[0] ? `winner: ${winners[0].arm}` : 'no difference yet',
        );
      }),
    );
    // A case the normal interval the simulator used to compute gets wrong: no conversion in either arm
    // gave it a zero-width interval; Newcombe's, the console's, does not collapse.
    const none = experimentOf('j', 'ab', [
      { arm: 'a', holdout: false, customers: 100, conversions: 0 },
      { arm: 'rest', holdout: true, customers: 100, conversions: 0 },
    ]);
    expect(none.arms[0]?.lift?.low).toBeCloseTo(-0.037, 3);
    expect(none.arms[0]?.lift?.high).toBeCloseTo(0.037, 3);
  });
});

describe('experiments from stored decisions and entries', () => {
  const shipped = loadWorkflows(WORKFLOWS_DIR).journeys.find(
    (j) => j.journey.id === 'first-small-purchase',
  )!.journey;
  const journey: Journey = {
    ...shipped,
    steps: [
      {
        id: 'test-it',
        type: 'split',
        paths: [
          { name: 'mail', percent: 80, next: 'thank-you' },
          { name: 'control', percent: 20, next: 'exit', holdout: true },
        ],
      },
      ...shipped.steps,
    ],
  };
  const decision = (
    customerId: string,
    path: string,
    execution: string,
    extra: Partial<DecisionFacts> = {},
  ) => ({
    customerId,
    journeyId: journey.id,
    stepId: 'test-it',
    executionId: `arn:aws:states:local:1:execution:sm:${execution}`,
    kind: 'split' as const,
    path,
    holdout: path === 'control',
    ...extra,
  });
  const entry = (customerId: string, execution: string, converted: boolean): ConversionFacts => ({
    customerId,
    journeyId: journey.id,
    executionName: execution,
    executionArn: `arn:aws:states:local:1:execution:sm:${execution}`,
    converted: converted ? { eventId: `p-${execution}`, at: '2026-11-25T00:00:00Z' } : undefined,
  });

  it('counts customers per arm once, converted when an execution of theirs on the arm reached the goal', () => {
    const decisions = [
      decision('c-1', 'mail', 'x1'),
      decision('c-1', 'mail', 'x1b'), // re-entered: still one customer
      decision('c-2', 'mail', 'x2'),
      decision('c-3', 'control', 'x3'),
      decision('c-4', 'control', 'x4'),
      decision('c-5', 'mail', 'x5', { kind: 'branch' }), // a branch is no experiment
      decision('c-6', 'mail', 'x6', { journeyId: 'another' }),
      decision('c-7', 'old-arm', 'x7'), // only an earlier version had this path
    ];
    const entries = [
      entry('c-1', 'x1', false),
      entry('c-1', 'x1b', true),
      entry('c-2', 'x2', false),
      entry('c-3', 'x3', true),
      entry('c-4', 'x4', false),
      entry('c-5', 'x5', true),
    ];
    const [x, ...more] = experiments([journey, shipped], decisions, entries);
    expect(more).toEqual([]);
    expect(x?.control).toBe('control');
    expect(x?.goal).toEqual({ event: 'purchase', within: '30d' });
    expect(x?.arms.map((a) => [a.arm, a.customers, a.conversions, a.verdict])).toEqual([
      ['mail', 2, 1, 'not enough customers'],
      ['control', 2, 1, 'control'],
      ['old-arm', 1, 0, 'not enough customers'],
    ]);
  });

  it('renders a table per split, escaped, and says when there is none', () => {
    const [x] = experiments(
      [{ ...journey, id: SCRIPT }],
      [decision('c-1', 'mail', 'x1', { journeyId: SCRIPT })],
      [],
    );
    const html = renderExperiments([
      { ...x!, arms: x!.arms.map((a) => ({ ...a, arm: `${a.arm}${SCRIPT}` })) },
    ]);
    expect(html).not.toContain('<script>');
    expect(html).toContain(
      '<th scope="row">mail&#60;script&#62;alert(1)&#60;/script&#62;</th><td>1</td><td>0</td>',
    );
    expect(html).toContain('href="/journey?id=%3Cscript%3Ealert(1)%3C%2Fscript%3E"');
    expect(html).toContain(
      '(holdout)</th><td>0</td><td>0</td><td class="text">0.0%</td><td class="text">—</td><td class="text">control</td>',
    );
    const rendered = renderExperiments(
      experiments([journey], [], []).map((e) => ({
        ...e,
        arms: compareArms([
          { arm: 'mail', holdout: false, customers: 1000, conversions: 100 },
          { arm: 'control', holdout: true, customers: 1000, conversions: 50 },
        ]).arms,
      })),
    );
    expect(rendered).toContain(
      '<th scope="row">mail</th><td>1000</td><td>100</td><td class="text">10.0%</td><td class="text">+5.0 pt [+2.7 pt, +7.3 pt]</td><td class="text">winner</td>',
    );
    expect(renderExperiments([])).toContain('No experiments yet: add a split step');
  });
});
