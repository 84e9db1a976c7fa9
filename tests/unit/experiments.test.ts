import { convertedWithin, evaluateExperiments } from '../../domain/experiments/evaluate';
import { experimentVerdict } from '../../domain/experiments/verdict';
import { explanationLines } from '../../domain/console/explain-words';
import { experiments } from '../../domain/console/experiments';
import { renderExperiments } from '../../local/console/experiments';
import type { CustomerStore } from '../../domain/ports';
import { stepKey } from '../../domain/step-key';
import { customersIn, executionOf, experimentJourney, experimentWorld } from '../support/experiments';

const DAY = 86_400_000;
const spec = {
  metric: { event: 'purchase' as const, within: '14d' },
  minSample: 30,
  onWinner: 'route' as const,
};
const arm = (name: string, customers: number, conversions: number, holdout = false) => ({
  arm: name,
  holdout,
  customers,
  conversions,
});

describe('the verdict rule', () => {
  it('gives no winner until every arm, the control too, has its minimum sample', () => {
    const v = experimentVerdict([arm('plain', 29, 0), arm('offer', 300, 200)], spec);
    expect(v.winner).toBeUndefined();
    expect(v.reason).toBe('not enough customers: "plain" has 29 of 30 whose 14d window has passed');
  });

  it('names the best arm whose lift over the control has a 95% interval above zero, with its figures', () => {
    const v = experimentVerdict([arm('plain', 30, 3), arm('offer', 30, 15)], spec);
    expect(v.winner).toBe('offer');
    expect(v.control).toBe('plain');
    expect(v.reason).toMatch(
      /^"offer" converted 50\.0% \(15 of 30\) against 10\.0% \(3 of 30\) for the control "plain": \+40\.0 pts, 95% interval \+\d+\.\d pts to \+\d+\.\d pts; purchase within 14d$/,
    );
  });

  it('gives no winner for a difference the interval does not exclude, nor for an arm worse than the control', () => {
    expect(experimentVerdict([arm('plain', 30, 5), arm('offer', 30, 8)], spec).winner).toBeUndefined();
    expect(experimentVerdict([arm('plain', 30, 15), arm('offer', 30, 3)], spec).winner).toBeUndefined();
  });

  it('never makes the holdout the winner: it is the control', () => {
    const v = experimentVerdict([arm('plain', 30, 20), arm('offer', 30, 2), arm('none', 30, 1, true)], spec);
    expect(v.control).toBe('none');
    expect(v.winner).toBe('plain');
  });
});

describe('an experiment on a split, evaluated by the sweeper', () => {
  const journey = experimentJourney();
  const plain = customersIn(journey, 0, 50, 30, 'p');
  const offer = customersIn(journey, 50, 100, 30, 'o');

  async function sampled() {
    const world = experimentWorld(journey);
    for (const c of [...plain, ...offer]) await world.enter(c);
    world.clock.advance(DAY);
    for (const c of offer.slice(0, 15)) await world.convert(c);
    for (const c of plain.slice(0, 2)) await world.convert(c);
    return world;
  }

  it('declares a winner only once each arm has its sample of customers whose window has passed, then routes later entrants', async () => {
    const world = await sampled();
    const { store, clock } = world;
    clock.advance(12 * DAY);
    expect(await evaluateExperiments({ store, clock, journeys: [journey] })).toEqual([]);
    const tally = await store.getExperimentTally(journey.id, 'ab');
    expect(tally?.arms.map((a) => a.customers)).toEqual([0, 0]);

    clock.advance(2 * DAY);
    const [verdict] = await evaluateExperiments({ store, clock, journeys: [journey] });
    expect(verdict).toMatchObject({
      winner: 'offer',
      control: 'plain',
      decidedAt: clock.now().toISOString(),
    });
    expect(verdict?.arms.map((a) => [a.arm, a.customers, a.conversions])).toEqual([
      ['plain', 30, 2],
      ['offer', 30, 15],
    ]);
    expect(await store.getExperiment(journey.id, 'ab')).toEqual(verdict);
    // The first verdict stands: later sweeps read it and count nothing more.
    clock.advance(DAY);
    expect(await evaluateExperiments({ store, clock, journeys: [journey] })).toEqual([]);

    // Six minutes later (past the cache of "no verdict"), a newcomer the hash would put on "plain" takes "offer".
    const [newcomer] = customersIn(journey, 0, 50, 1, 'late');
    expect(await world.enter(newcomer!)).toEqual({ path: 'offer', holdout: false });
    const decision = await store.getDecision(newcomer!, stepKey(executionOf(journey, newcomer!), 'ab'));
    expect(decision && explanationLines(decision)).toEqual([
      expect.stringMatching(/^bucket \d+\.\d\d of \[0, 100\): "plain" \[0, 50\); "offer" \[50, 100\) ✓$/),
      `routed to "offer", the experiment's winner since ${verdict?.decidedAt}`,
    ]);
    // A customer decided before the verdict keeps their arm on a retry of the same execution.
    expect(await world.enter(plain[0]!)).toEqual({ path: 'plain', holdout: false });
  });

  it('counts a conversion only within the metric window from the split', async () => {
    const world = experimentWorld(journey);
    for (const c of [...plain, ...offer]) await world.enter(c);
    world.clock.advance(15 * DAY);
    for (const c of offer) await world.convert(c);
    world.clock.advance(DAY);
    expect(
      await evaluateExperiments({ store: world.store, clock: world.clock, journeys: [journey] }),
    ).toEqual([]);
    const tally = await world.store.getExperimentTally(journey.id, 'ab');
    expect(tally?.arms.map((a) => [a.arm, a.customers, a.conversions])).toEqual([
      ['plain', 30, 0],
      ['offer', 30, 0],
    ]);
  });

  it('keeps the holdout: a newcomer in the holdout stays there once a winner routes', async () => {
    const held = experimentJourney({ holdout: true });
    const world = experimentWorld(held);
    const plainC = customersIn(held, 0, 45, 30, 'p');
    const offerC = customersIn(held, 45, 90, 30, 'o');
    const none = customersIn(held, 90, 100, 30, 'n');
    for (const c of [...plainC, ...offerC, ...none]) await world.enter(c);
    world.clock.advance(DAY);
    for (const c of offerC.slice(0, 20)) await world.convert(c);
    world.clock.advance(14 * DAY);
    const [verdict] = await evaluateExperiments({ store: world.store, clock: world.clock, journeys: [held] });
    expect(verdict).toMatchObject({ winner: 'offer', control: 'none' });
    const [inHoldout] = customersIn(held, 90, 100, 1, 'late-n');
    const [inPlain] = customersIn(held, 0, 45, 1, 'late-p');
    expect(await world.enter(inHoldout!)).toEqual({ path: 'none', holdout: true });
    expect(await world.enter(inPlain!)).toEqual({ path: 'offer', holdout: false });
  });

  it('with onWinner: report, records the verdict and routes no one', async () => {
    const reported = experimentJourney({ onWinner: 'report' });
    const world = experimentWorld(reported);
    const p = customersIn(reported, 0, 50, 30, 'p');
    const o = customersIn(reported, 50, 100, 30, 'o');
    for (const c of [...p, ...o]) await world.enter(c);
    world.clock.advance(DAY);
    for (const c of o.slice(0, 20)) await world.convert(c);
    world.clock.advance(14 * DAY);
    const [verdict] = await evaluateExperiments({
      store: world.store,
      clock: world.clock,
      journeys: [reported],
    });
    expect(verdict).toMatchObject({ winner: 'offer', onWinner: 'report' });
    const [late] = customersIn(reported, 0, 50, 1, 'late');
    expect(await world.enter(late!)).toEqual({ path: 'plain', holdout: false });
  });
});

describe('what a routing split costs', () => {
  it('reads the verdict once per container (and again only after 5 minutes without one); a plain split never', async () => {
    for (const [onWinner, reads] of [
      ['route', 2],
      ['report', 0],
    ] as const) {
      const journey = experimentJourney({ onWinner });
      let calls = 0;
      const counting = (store: CustomerStore): CustomerStore => ({
        ...store,
        getExperiment: (j, s) => (calls++, store.getExperiment(j, s)),
      });
      const world = experimentWorld(journey, { wrap: counting });
      for (let i = 0; i < 100; i++) await world.enter(`c-${i}`);
      world.clock.advance(5 * 60_000 + 1);
      for (let i = 100; i < 200; i++) await world.enter(`c-${i}`);
      expect(calls).toBe(reads);
    }
  });
});

describe('the console shows a recorded verdict', () => {
  it('on the experiments page: the winner, when, why, and what happens to new entrants', () => {
    const journey = experimentJourney();
    const recorded = {
      journeyId: journey.id,
      stepId: 'ab',
      winner: 'offer',
      decidedAt: '2026-01-16T10:00:00.000Z',
      reason: '"offer" converted 50.0% (15 of 30) against 6.7% (2 of 30)',
      onWinner: 'route' as const,
    };
    const [x] = experiments([journey], [], [], [recorded]);
    expect(x?.recorded).toEqual({
      winner: 'offer',
      decidedAt: recorded.decidedAt,
      reason: recorded.reason,
      onWinner: 'route',
    });
    expect(renderExperiments(x ? [x] : [])).toContain(
      '<p class="verdict">Winner offer, recorded 2026-01-16T10:00:00.000Z: &#34;offer&#34; converted 50.0% (15 of 30) against 6.7% (2 of 30). Since then, new entrants outside the holdout take offer.</p>',
    );
  });
});

describe('a metric window of a calendar year (1y)', () => {
  it('counts a conversion up to the same date and time a year after the split, 366 days across 29 February', () => {
    const decision = {
      executionId: 'arn:aws:states:local:0:execution:rapport-j:x',
      at: '2027-03-01T10:00:00.000Z',
    };
    const convertedAt = (at: string) => [
      { executionArn: decision.executionId, executionName: 'x', converted: { eventId: 'p', at } },
    ];
    expect(convertedWithin(decision, convertedAt('2028-03-01T10:00:00.000Z'), '1y')).toBe(true);
    expect(convertedWithin(decision, convertedAt('2028-03-01T10:00:00.001Z'), '1y')).toBe(false);
    expect(convertedWithin(decision, convertedAt('2028-03-01T10:00:00.000Z'), '365d')).toBe(false);
  });
});
