import type { Clock } from '../clock';
import { spanBounds, spanEnd, type YearlyDuration } from '../config/span';
import type { Journey, SplitStep } from '../journey/schema';
import type {
  ArmFigures,
  CustomerStore,
  DecisionRecord,
  ExperimentRecord,
  JourneyEntryRecord,
} from '../ports';
import { experimentVerdict } from './verdict';

export interface EvaluateDeps {
  store: CustomerStore;
  clock: Clock;
  journeys: readonly Journey[];
}

/** Before any decision: the tally's first `countedThrough` (a key value may not be empty in DynamoDB). */
const NEVER = '1970-01-01T00:00:00.000Z';
const PAGE = 100;

type Experimenting = SplitStep & { experiment: NonNullable<SplitStep['experiment']> };

const runsExperiment = (step: Journey['steps'][number]): step is Experimenting =>
  step.type === 'split' && !!step.experiment;

/**
 * Every split that runs an experiment and has no verdict yet, evaluated: the decisions whose metric window
 * passed since the last run are counted once (into the stored tally), and a verdict is recorded the first
 * time an arm wins (experimentVerdict). Run by the sweeper, never on a split's decision: a split with
 * `onWinner: route` only reads the verdict. Returns the verdicts recorded by this run.
 */
export async function evaluateExperiments(deps: EvaluateDeps): Promise<ExperimentRecord[]> {
  const recorded: ExperimentRecord[] = [];
  for (const journey of deps.journeys)
    for (const step of journey.steps) {
      if (!runsExperiment(step)) continue;
      // Once decided, never again: the first verdict stands, and costs one read per sweep from then on.
      if (await deps.store.getExperiment(journey.id, step.id)) continue;
      const verdict = await evaluateOne(journey, step, deps);
      if (verdict) recorded.push(await deps.store.recordExperiment(verdict));
    }
  return recorded;
}

async function evaluateOne(
  journey: Journey,
  step: Experimenting,
  { store, clock }: EvaluateDeps,
): Promise<ExperimentRecord | undefined> {
  const now = clock.now();
  const within = step.experiment.metric.within;
  // Decisions whose window has surely passed: a calendar year at its longest (366 days), so one made a
  // year and a day ago in a common year is counted on a later run, never before its window ends.
  const through = new Date(now.getTime() - spanBounds(within).longest).toISOString();
  const tally = await store.getExperimentTally(journey.id, step.id);
  const after = tally?.countedThrough ?? NEVER;
  // Only the arms the split has now: an arm an earlier version had is not a candidate to route to.
  const arms = new Map<string, ArmFigures>(
    step.paths.map((p) => [
      p.name,
      { arm: p.name, holdout: p.holdout === true, customers: 0, conversions: 0 },
    ]),
  );
  for (const a of tally?.arms ?? []) {
    const arm = arms.get(a.arm);
    if (arm) Object.assign(arm, { customers: a.customers, conversions: a.conversions });
  }
  if (through > after) {
    let counted = 0;
    for await (const page of store.listSplitExposures(journey.id, step.id, { after, through }, PAGE))
      for (const e of page) {
        const decision = await store.getDecision(e.customerId, e.decisionKey);
        const arm = decision && arms.get(decision.path);
        if (!decision || !arm) continue;
        counted++;
        arm.customers++;
        if (convertedWithin(decision, await store.listJourneyEntries(e.customerId, journey.id), within))
          arm.conversions++;
      }
    // Nothing new counted: the stored tally still says it all (a later run reads from where it counted).
    if (counted > 0 || !tally)
      await store.putExperimentTally({
        journeyId: journey.id,
        stepId: step.id,
        countedThrough: through,
        arms: [...arms.values()],
      });
  }
  const verdict = experimentVerdict([...arms.values()], step.experiment);
  if (!verdict.winner) return undefined;
  return {
    journeyId: journey.id,
    journeyVersion: journey.version,
    stepId: step.id,
    winner: verdict.winner,
    control: verdict.control,
    onWinner: step.experiment.onWinner,
    decidedAt: now.toISOString(),
    reason: verdict.reason,
    arms: verdict.arms,
  };
}

/**
 * Whether the execution that took the decision reached the goal within the window from the decision.
 * An entry's `converted` is set only for the journey's goal event, which the metric must be (validation).
 */
export function convertedWithin(
  d: Pick<DecisionRecord, 'executionId' | 'at'>,
  entries: readonly Pick<JourneyEntryRecord, 'executionArn' | 'executionName' | 'converted'>[],
  within: YearlyDuration,
): boolean {
  const name = executionNameOf(d.executionId);
  const deadline = spanEnd(Date.parse(d.at), within);
  return entries.some(
    (e) =>
      (e.executionArn === d.executionId || e.executionName === name) &&
      e.converted !== undefined &&
      Date.parse(e.converted.at) <= deadline,
  );
}

/** The name in an execution's ARN: an entry records both, a decision only the ARN it ran in. */
export const executionNameOf = (executionId: string): string =>
  executionId.slice(executionId.lastIndexOf(':') + 1);
