import { assertNever } from '../assert-never';
import type { Journey } from '../journey/schema';
import type { DecisionRecord, ExperimentRecord, JourneyEntryRecord } from '../ports';
import { executionNameOf } from '../experiments/evaluate';
import { compareArms, MIN_ARM_CUSTOMERS, type ArmStats } from '../experiments/stats';

export { MIN_ARM_CUSTOMERS };
export { compareArms, newcombe, verdictOf, wilson } from '../experiments/stats';
export type { ArmStats, Interval, Verdict } from '../experiments/stats';

/** What the page reads of a stored decision and a journey entry: no address, no name. */
export type DecisionFacts = Pick<
  DecisionRecord,
  'customerId' | 'journeyId' | 'stepId' | 'executionId' | 'kind' | 'path' | 'holdout'
>;
export type ConversionFacts = Pick<
  JourneyEntryRecord,
  'customerId' | 'journeyId' | 'executionArn' | 'executionName' | 'converted'
>;

/** What the page reads of a recorded verdict (see domain/experiments/evaluate.ts). */
export type VerdictFacts = Pick<
  ExperimentRecord,
  'journeyId' | 'stepId' | 'winner' | 'decidedAt' | 'reason' | 'onWinner'
>;

export interface Experiment {
  /** The verdict the sweeper recorded, when and why: the figures as they were then. */
  recorded?: Omit<VerdictFacts, 'journeyId' | 'stepId'>;
  journeyId: string;
  stepId: string;
  goal?: { event: string; within: string };
  /** The arm every other is compared with. */
  control: string;
  arms: ArmStats[];
}

/**
 * Every split step of every journey, from the stored split decisions and journey entries. A customer is
 * counted once per arm however often they entered (a split is fixed per customer), and converted when an
 * execution of theirs that took the arm reached the goal: an entry's `converted` is only ever set for a
 * goal event within the window (planConversions), so the window needs no second check here.
 */
export function experiments(
  journeys: readonly Journey[],
  decisions: readonly DecisionFacts[],
  entries: readonly ConversionFacts[],
  verdicts: readonly VerdictFacts[] = [],
): Experiment[] {
  const converted = new Set<string>();
  for (const e of entries)
    if (e.converted) converted.add(e.executionArn).add(`${e.journeyId}\u0000${e.executionName}`);
  const didConvert = (d: DecisionFacts) =>
    converted.has(d.executionId) || converted.has(`${d.journeyId}\u0000${executionNameOf(d.executionId)}`);
  return journeys.flatMap((journey) =>
    journey.steps.flatMap((step) => {
      switch (step.type) {
        case 'split':
          return [withVerdict(splitOf(journey, step, decisions, didConvert), verdicts)];
        case 'send':
        case 'wait':
        case 'wait-for-event':
        case 'branch':
        case 'update':
        case 'task':
        case 'exit':
          return [];
        default:
          return assertNever(step);
      }
    }),
  );
}

type Split = Extract<Journey['steps'][number], { type: 'split' }>;

/** One split's arms: its paths in order, then any path only an earlier version had. */
function splitOf(
  journey: Journey,
  step: Split,
  decisions: readonly DecisionFacts[],
  didConvert: (d: DecisionFacts) => boolean,
): Experiment {
  const arms = new Map(
    step.paths.map((p) => [
      p.name,
      { holdout: p.holdout === true, customers: new Set<string>(), won: new Set<string>() },
    ]),
  );
  for (const d of decisions) {
    if (d.kind !== 'split' || d.journeyId !== journey.id || d.stepId !== step.id) continue;
    const arm = arms.get(d.path) ?? { holdout: d.holdout, customers: new Set(), won: new Set() };
    arms.set(d.path, arm);
    arm.customers.add(d.customerId);
    if (didConvert(d)) arm.won.add(d.customerId);
  }
  const counts = [...arms].map(([arm, a]) => ({
    arm,
    holdout: a.holdout,
    customers: a.customers.size,
    conversions: a.won.size,
  }));
  return { journeyId: journey.id, stepId: step.id, goal: journey.goal, ...compareArms(counts) };
}

function withVerdict(x: Experiment, verdicts: readonly VerdictFacts[]): Experiment {
  const v = verdicts.find((r) => r.journeyId === x.journeyId && r.stepId === x.stepId);
  if (!v) return x;
  const { winner, decidedAt, reason, onWinner } = v;
  return { ...x, recorded: { winner, decidedAt, reason, onWinner } };
}
