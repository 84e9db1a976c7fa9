import { memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { splitBucket } from '../../domain/journey/conditions';
import type { Journey } from '../../domain/journey/schema';
import { runJourneyStep } from '../../domain/journey/step-actions';
import { verdictCache } from '../../domain/experiments/verdict-cache';
import type { CustomerStore } from '../../domain/ports';
import { entry, profile } from '../contract/records';
import { testJourney } from './journeys';

/** A win-back offer tested against a plain reminder: 50/50, or with a 10% holdout. */
export function experimentJourney(opts: { holdout?: boolean; onWinner?: 'route' | 'report' } = {}): Journey {
  const paths = opts.holdout
    ? [
        { name: 'plain', percent: 45, next: 'done' },
        { name: 'offer', percent: 45, next: 'done' },
        { name: 'none', percent: 10, next: 'done', holdout: true },
      ]
    : [
        { name: 'plain', percent: 50, next: 'done' },
        { name: 'offer', percent: 50, next: 'done' },
      ];
  return testJourney({
    id: 'win-back',
    entry: { event: 'purchase' },
    goal: { event: 'purchase', within: '30d' },
    steps: [
      {
        id: 'ab',
        type: 'split',
        paths,
        experiment: {
          metric: { event: 'purchase', within: '14d' },
          minSample: 30,
          onWinner: opts.onWinner ?? 'route',
        },
      },
      { id: 'done', type: 'exit' },
    ],
  });
}

/** Customer ids whose bucket at this split falls in [from, to): whom the hash sends to one arm. */
export function customersIn(
  journey: Journey,
  from: number,
  to: number,
  count: number,
  prefix = 'c',
): string[] {
  const found: string[] = [];
  for (let i = 0; found.length < count; i++) {
    const id = `${prefix}-${i}`;
    const b = splitBucket(journey.id, 'ab', id);
    if (b >= from && b < to) found.push(id);
  }
  return found;
}

export const executionOf = (journey: Journey, customerId: string, n = 1) =>
  `arn:aws:states:local:000000000000:execution:rapport-${journey.id}:${customerId}-${n}`;

/** An in-memory Rapport with a clock, for the split's decisions and the sweeper's evaluation. */
export function experimentWorld(
  journey: Journey,
  { start = '2026-01-01T10:00:00Z', wrap = (s: CustomerStore) => s } = {},
) {
  const store = memoryStore();
  const clock = fixedClock(start);
  // What the journey-step Lambda holds: its store (wrapped, to count calls) and its cache of verdicts.
  const lambdaStore = wrap(store);
  const verdicts = verdictCache(lambdaStore, clock);
  const split = journey.steps[0];
  if (split?.type !== 'split') throw new Error('the experiment journey starts with its split');
  const paths = split.paths.map((p) => ({ name: p.name, percent: p.percent, holdout: p.holdout ?? false }));
  return {
    store,
    clock,
    /** The customer enters (execution n) and takes the split as the compiled Task would. */
    async enter(customerId: string, n = 1) {
      if (!(await store.getProfile(customerId))) await store.putProfile(profile(customerId));
      const executionName = `${customerId}-${n}`;
      await store.putJourneyEntries([
        {
          ...entry(customerId, journey.id, executionName, clock.now().toISOString()),
          executionArn: executionOf(journey, customerId, n),
        },
      ]);
      return runJourneyStep(
        {
          action: 'split',
          customerId,
          journeyId: journey.id,
          journeyVersion: journey.version,
          stepId: 'ab',
          executionId: executionOf(journey, customerId, n),
          paths,
          ...(split.experiment?.onWinner === 'route' && { route: true as const }),
        },
        { store: lambdaStore, clock, verdicts },
      );
    },
    /** The goal event reached the customer's execution n now. */
    async convert(customerId: string, n = 1) {
      const [e] = (await store.listJourneyEntries(customerId, journey.id)).filter(
        (x) => x.executionName === `${customerId}-${n}`,
      );
      if (!e) throw new Error(`${customerId} never entered`);
      await store.putJourneyEntries([
        { ...e, converted: { eventId: `p-${customerId}`, at: clock.now().toISOString() } },
      ]);
    },
  };
}
