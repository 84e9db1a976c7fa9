import { experimentOf, type ArmCount } from './experiments';
import type {
  CostForecast,
  ExperimentResult,
  JourneySummary,
  SimulationResult,
  Usage,
  WeekSummary,
} from './result';

type Counts = Record<string, number>;

/**
 * The result of a whole population from the results of its parts (shard.ts), each simulated over the same
 * period with the same workflows: every count added up, each split's lift worked out again from the
 * summed arms, and the bill forecast from the summed usage. Only the first part counts the sweep's own
 * requests and index queries (every part sweeps at the same moments, as one sweep does on AWS).
 */
export function mergeResults(
  parts: readonly SimulationResult[],
  forecast: (usage: Usage) => CostForecast,
): SimulationResult {
  const [first] = parts;
  if (!first) throw new Error('mergeResults: no part to merge');
  const usage = mergeUsage(parts.map((p) => p.usage));
  return {
    label: first.label,
    period: first.period,
    customers: sum(parts.map((p) => p.customers)),
    events: sum(parts.map((p) => p.events)),
    weeks: first.weeks.map((w, i) =>
      mergeWeek(
        w,
        parts.map((p) => p.weeks[i]),
      ),
    ),
    finalStages: addCounts(parts.map((p) => p.finalStages)),
    finalTiers: addCounts(parts.map((p) => p.finalTiers)),
    journeys: first.journeys.map((j, k) =>
      mergeJourney(
        j,
        parts.map((p) => p.journeys[k]),
      ),
    ),
    skipped: addCounts(parts.map((p) => p.skipped)),
    experiments: mergeExperiments(parts.flatMap((p) => p.experiments)),
    usage,
    cost: forecast(usage),
  };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function addCounts(all: readonly (Counts | undefined)[]): Counts {
  const total: Counts = {};
  for (const counts of all) for (const [k, n] of Object.entries(counts ?? {})) total[k] = (total[k] ?? 0) + n;
  return total;
}

function addNested(all: readonly (Record<string, Counts> | undefined)[]): Record<string, Counts> {
  const keys = new Set(all.flatMap((r) => Object.keys(r ?? {})));
  return Object.fromEntries([...keys].map((k) => [k, addCounts(all.map((r) => r?.[k]))]));
}

function mergeWeek(week: WeekSummary, all: readonly (WeekSummary | undefined)[]): WeekSummary {
  return {
    weekStart: week.weekStart,
    stages: addCounts(all.map((w) => w?.stages)),
    tiers: addCounts(all.map((w) => w?.tiers)),
    messages: addNested(all.map((w) => w?.messages)),
  };
}

function mergeJourney(j: JourneySummary, all: readonly (JourneySummary | undefined)[]): JourneySummary {
  const total = (pick: (x: JourneySummary) => number) => sum(all.map((x) => (x ? pick(x) : 0)));
  return {
    journeyId: j.journeyId,
    started: total((x) => x.started),
    outcomes: addCounts(all.map((x) => x?.outcomes)),
    goalReached: total((x) => x.goalReached),
    conversions: total((x) => x.conversions),
    funnel: j.funnel.map((step, m) => {
      const steps = all.map((x) => x?.funnel[m]);
      return {
        stepId: step.stepId,
        type: step.type,
        entered: sum(steps.map((s) => s?.entered ?? 0)),
        ...(step.sent !== undefined ? { sent: sum(steps.map((s) => s?.sent ?? 0)) } : {}),
        ...(step.skipped !== undefined ? { skipped: addCounts(steps.map((s) => s?.skipped)) } : {}),
      };
    }),
  };
}

function mergeExperiments(all: readonly ExperimentResult[]): ExperimentResult[] {
  const splits = new Map<string, { journeyId: string; stepId: string; arms: Map<string, ArmCount> }>();
  for (const e of all) {
    const key = `${e.journeyId}/${e.stepId}`;
    const split = splits.get(key) ?? { journeyId: e.journeyId, stepId: e.stepId, arms: new Map() };
    splits.set(key, split);
    for (const a of e.arms) {
      const arm = split.arms.get(a.arm) ?? { arm: a.arm, holdout: false, customers: 0, conversions: 0 };
      split.arms.set(a.arm, {
        ...arm,
        holdout: arm.holdout || a.holdout,
        customers: arm.customers + a.customers,
        conversions: arm.conversions + a.conversions,
      });
    }
  }
  return [...splits.values()].map((s) => experimentOf(s.journeyId, s.stepId, [...s.arms.values()]));
}

function mergeUsage(all: readonly Usage[]): Usage {
  const total = (pick: (u: Usage) => number) => sum(all.map(pick));
  const lambda: Usage['lambda'] = {};
  for (const u of all)
    for (const [fn, l] of Object.entries(u.lambda)) {
      const t = (lambda[fn] ??= { requests: 0, durationMs: 0 });
      t.requests += l.requests;
      t.durationMs += l.durationMs;
    }
  return {
    customers: total((u) => u.customers),
    days: all[0]?.days ?? 0,
    stateTransitions: total((u) => u.stateTransitions),
    transitionsByState: addNested(all.map((u) => u.transitionsByState)),
    lambda,
    dynamodb: {
      readRequestUnits: total((u) => u.dynamodb.readRequestUnits),
      writeRequestUnits: total((u) => u.dynamodb.writeRequestUnits),
      // Every part sweeps at the same moments, and only the first counts the sweep's fixed part.
      sweepReadRequestUnits: total((u) => u.dynamodb.sweepReadRequestUnits),
      sweepWriteRequestUnits: total((u) => u.dynamodb.sweepWriteRequestUnits),
    },
    eventBridgeEvents: total((u) => u.eventBridgeEvents),
    httpApiRequests: total((u) => u.httpApiRequests),
    schedulerInvocations: total((u) => u.schedulerInvocations),
    sqsRequests: total((u) => u.sqsRequests),
    sesEmails: total((u) => u.sesEmails),
    smsParts: addCounts(all.map((u) => u.smsParts)),
  };
}
