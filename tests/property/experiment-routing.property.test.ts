import fc from 'fast-check';
import { splitBucket } from '../../domain/journey/conditions';
import type { ExperimentRecord } from '../../domain/ports';
import { experimentJourney, experimentWorld } from '../support/experiments';

const journey = experimentJourney({ holdout: true });

const verdict = (winner: string, at: string): ExperimentRecord => ({
  journeyId: journey.id,
  journeyVersion: 1,
  stepId: 'ab',
  winner,
  control: 'none',
  onWinner: 'route',
  decidedAt: at,
  reason: 'test',
  arms: [],
});

/** Customers entering (again: a retry of the same execution, or a new one), a verdict, time passing. */
const op = fc.oneof(
  fc.record({
    kind: fc.constant('enter' as const),
    customer: fc.nat(12),
    execution: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('verdict' as const), winner: fc.constantFrom('plain', 'offer') }),
  fc.record({ kind: fc.constant('wait' as const), minutes: fc.integer({ min: 1, max: 30 }) }),
);

describe('routing an experiment winner', () => {
  it('never moves a customer already decided at a step of an execution; the holdout keeps its own', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const world = experimentWorld(journey);
        const first = new Map<string, { path: string; holdout: boolean }>();
        for (const o of ops) {
          if (o.kind === 'wait') world.clock.advance(o.minutes * 60_000);
          else if (o.kind === 'verdict')
            await world.store.recordExperiment(verdict(o.winner, world.clock.now().toISOString()));
          else {
            const key = `c-${o.customer}/${o.execution}`;
            const decided = await world.enter(`c-${o.customer}`, o.execution);
            expect(decided).toEqual(first.get(key) ?? decided);
            first.set(key, first.get(key) ?? (decided as { path: string; holdout: boolean }));
          }
        }
        // Whoever the hash put in the holdout (the last 10%) is there in every execution, verdict or not.
        for (const [key, d] of first)
          if (splitBucket(journey.id, 'ab', key.split('/')[0]!) >= 90)
            expect([key, d]).toEqual([key, { path: 'none', holdout: true }]);
      }),
      { numRuns: 60 },
    );
  });
});
