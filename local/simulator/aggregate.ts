import type { Workflows } from '../../domain/config/load';
import { countsOf } from '../../domain/lifecycle/counts';
import type { Journey } from '../../domain/journey/schema';
import type {
  ExperimentResult,
  JourneySummary,
  SimulationResult,
  Usage,
  WeekSummary,
} from '../../domain/simulate/result';
import type { SimulateOptions } from './engine';
import type { Observations } from './observe';
import type { SplitDecision, Tally } from './tally';
import { experimentOf } from '../../domain/simulate/experiments';

export interface Snapshot {
  profiles: Map<string, { stage: string; tier: string }>;
  seen: Observations;
  tally: Tally;
  lambda: Usage['lambda'];
  sqsRequests: number;
  counts: { emails: number; smsParts: Record<string, number>; changes: number };
  busEvents: number;
  workflows: Workflows;
  weeks: WeekSummary[];
  events: number;
  rejected: number;
  options: SimulateOptions;
}

/** The simulation's result, from what it counted while running. */
export function summarise(s: Snapshot): SimulationResult {
  const { options, tally } = s;
  const usage = usageOf(s);
  return {
    label: options.label ?? options.workflowsDir,
    period: { from: new Date(options.from).toISOString(), to: new Date(options.to).toISOString() },
    customers: s.profiles.size,
    events: s.events,
    weeks: s.weeks.map((w, i) => ({ ...w, messages: tally.weekly.get(i) ?? {} })),
    ...finalCounts(s.profiles.values()),
    journeys: s.workflows.journeys.map(({ journey }) => journeySummary(journey, tally)),
    skipped: { ...tally.skippedByReason },
    experiments: experiments(tally.splits.values(), tally.converted),
    usage,
    cost: options.forecast(usage),
  };
}

function usageOf(s: Snapshot): Usage {
  const byState: Usage['transitionsByState'] = {};
  let transitions = 0;
  for (const [journeyId, t] of s.tally.journeys) {
    byState[journeyId] = { ...t.transitions };
    for (const n of Object.values(t.transitions)) transitions += n;
  }
  return {
    customers: s.profiles.size,
    days: (Date.parse(s.options.to) - Date.parse(s.options.from)) / 86_400_000,
    // Step Functions bills a transition for every state an execution enters.
    stateTransitions: transitions,
    transitionsByState: byState,
    lambda: s.lambda,
    dynamodb: {
      readRequestUnits: s.seen.readRequestUnits,
      writeRequestUnits: s.seen.writeRequestUnits,
      sweepReadRequestUnits: s.seen.sweepReadRequestUnits,
      sweepWriteRequestUnits: s.seen.sweepWriteRequestUnits,
    },
    eventBridgeEvents: s.counts.changes + s.busEvents,
    // Each event is taken to arrive as a POST /events (an EventBridge rule would cost the same or less).
    httpApiRequests: s.events,
    schedulerInvocations: s.lambda.sweep?.requests ?? 0,
    sqsRequests: s.sqsRequests,
    sesEmails: s.counts.emails,
    smsParts: s.counts.smsParts,
  };
}

/** One journey's figures: starts, outcomes, goal events and the conversions attributed to it, funnel. */
export function journeySummary(journey: Journey, tally: Tally): JourneySummary {
  const t = tally.journeys.get(journey.id);
  const step = (stepId: string) => `${journey.id}/${stepId}`;
  let goalReached = 0;
  let conversions = 0;
  for (const c of tally.converted.values())
    if (c.journeyId === journey.id) {
      goalReached++;
      if (c.attributed) conversions++;
    }
  return {
    journeyId: journey.id,
    started: t?.started ?? 0,
    outcomes: { ...t?.outcomes },
    goalReached,
    conversions,
    funnel: journey.steps.map(({ id, type }) => ({
      stepId: id,
      type,
      entered: t?.entered[id] ?? 0,
      ...(type === 'send'
        ? { sent: tally.sentByStep.get(step(id)) ?? 0, skipped: { ...tally.skippedByStep.get(step(id)) } }
        : {}),
    })),
  };
}

/** Every split (and holdout): customers and conversions per arm, lift against the holdout, a verdict. */
export function experiments(
  decisions: Iterable<SplitDecision>,
  converted: Map<string, { executionArn: string }>,
): ExperimentResult[] {
  const convertedRuns = new Set([...converted.values()].map((e) => e.executionArn));
  const bySplit = new Map<string, SplitDecision[]>();
  for (const d of decisions) {
    const key = `${d.journeyId}/${d.stepId}`;
    const list = bySplit.get(key);
    if (list) list.push(d);
    else bySplit.set(key, [d]);
  }
  return [...bySplit.values()].map((split) => {
    const arms = [...new Set(split.map((d) => d.path))].map((arm) => {
      const of = split.filter((d) => d.path === arm);
      const conversions = of.filter((d) => convertedRuns.has(d.executionId)).length;
      return { arm, holdout: of.some((d) => d.holdout), customers: of.length, conversions };
    });
    return experimentOf(split[0]!.journeyId, split[0]!.stepId, arms);
  });
}

function finalCounts(profiles: Iterable<{ stage: string; tier: string }>) {
  const { stageCounts: finalStages, tierCounts: finalTiers } = countsOf(profiles);
  return { finalStages, finalTiers };
}
