import type { Workflows } from '../../domain/config/load';
import type { Journey } from '../../domain/journey/schema';
import { exitEndedInto } from '../../domain/simulate/funnel';
import type { DecisionRecord, JourneyEntryRecord, MessageRecord } from '../../domain/ports';
import type {
  ArmResult,
  ExperimentResult,
  JourneySummary,
  SimulationResult,
  Usage,
  WeekSummary,
} from '../../domain/simulate/result';
import type { LocalExecution } from '../execution-runner';
import type { SimulateOptions } from './engine';
import type { Observations } from './observe';

export interface Snapshot {
  profiles: Map<string, { stage: string; tier: string }>;
  seen: Observations;
  executions: LocalExecution[];
  lambda: Usage['lambda'];
  counts: { emails: number; smsParts: Record<string, number>; changes: number };
  busEvents: number;
  workflows: Workflows;
  weeks: WeekSummary[];
  events: number;
  rejected: number;
  options: SimulateOptions;
}

const WEEK = 7 * 86_400_000;
/** Below this many customers in an arm, no verdict is given. */
const MIN_ARM = 30;

/** The simulation's result, from what it observed while running. */
export function summarise(s: Snapshot): SimulationResult {
  const { options } = s;
  const usage = usageOf(s);
  return {
    label: options.label ?? options.workflowsDir,
    period: { from: new Date(options.from).toISOString(), to: new Date(options.to).toISOString() },
    customers: s.profiles.size,
    events: s.events,
    weeks: withMessages(s.weeks, s.seen.sent, Date.parse(options.from)),
    finalStages: countBy([...s.profiles.values()], (p) => p.stage),
    finalTiers: countBy([...s.profiles.values()], (p) => p.tier),
    journeys: s.workflows.journeys.map(({ journey }) => journeySummary(journey, s)),
    skipped: countBy(s.seen.skipped, (m) => m.reason ?? 'unknown'),
    experiments: experiments(s.seen.decisions.values(), s.seen.entries),
    usage,
    cost: options.forecast(usage),
  };
}

function usageOf(s: Snapshot): Usage {
  return {
    customers: s.profiles.size,
    days: (Date.parse(s.options.to) - Date.parse(s.options.from)) / 86_400_000,
    // Step Functions bills a transition for every state an execution enters.
    stateTransitions: s.executions.reduce((sum, e) => sum + e.statesEntered.length, 0),
    lambda: s.lambda,
    dynamodb: { readRequestUnits: s.seen.readRequestUnits, writeRequestUnits: s.seen.writeRequestUnits },
    eventBridgeEvents: s.counts.changes + s.busEvents,
    // Each event is taken to arrive as a POST /events (an EventBridge rule would cost the same or less).
    httpApiRequests: s.events,
    schedulerInvocations: s.lambda.sweep?.requests ?? 0,
    sesEmails: s.counts.emails,
    smsParts: s.counts.smsParts,
  };
}

function withMessages(weeks: WeekSummary[], sent: MessageRecord[], from: number): WeekSummary[] {
  const filled = weeks.map((w) => ({ ...w, messages: {} as WeekSummary['messages'] }));
  for (const m of sent) {
    const week = filled[Math.floor((Date.parse(m.sentAt ?? m.createdAt) - from) / WEEK)];
    if (!week) continue;
    const byChannel = (week.messages[m.journeyId] ??= {});
    byChannel[m.channel] = (byChannel[m.channel] ?? 0) + 1;
  }
  return filled;
}

function journeySummary(journey: Journey, s: Snapshot): JourneySummary {
  const runs = s.executions.filter((e) => e.stateMachineArn.endsWith(`:rapport-${journey.id}`));
  // An exit is entered too by a run that ended on the state before it (the compiler spares the Succeed).
  const exited = runs.map((e) =>
    exitEndedInto(
      journey,
      e.statesEntered.map((st) => st.name),
      e.status === 'SUCCEEDED',
    ),
  );
  const ofStep = <T extends { journeyId: string; stepId: string }>(list: T[], stepId: string) =>
    list.filter((m) => m.journeyId === journey.id && m.stepId === stepId);
  const converted = [...s.seen.entries.values()].filter((e) => e.journeyId === journey.id && e.converted);
  return {
    journeyId: journey.id,
    started: runs.length,
    outcomes: countBy(runs, (e) => (e.status === 'RUNNING' ? 'running' : e.status.toLowerCase())),
    goalReached: converted.length,
    funnel: journey.steps.map((step) => ({
      stepId: step.id,
      type: step.type,
      entered: runs.filter(
        (e, k) => e.statesEntered.some((st) => st.name === step.id) || exited[k] === step.id,
      ).length,
      ...(step.type === 'send'
        ? {
            sent: ofStep(s.seen.sent, step.id).length,
            skipped: countBy(ofStep(s.seen.skipped, step.id), (m) => m.reason ?? 'unknown'),
          }
        : {}),
    })),
  };
}

/** Every split (and holdout): customers and conversions per arm, lift against the holdout, a verdict. */
export function experiments(
  decisions: Iterable<DecisionRecord>,
  entries: Map<string, JourneyEntryRecord>,
): ExperimentResult[] {
  const convertedRuns = new Set([...entries.values()].filter((e) => e.converted).map((e) => e.executionArn));
  const bySplit = new Map<string, DecisionRecord[]>();
  for (const d of decisions)
    if (d.kind === 'split')
      bySplit.set(`${d.journeyId}/${d.stepId}`, [...(bySplit.get(`${d.journeyId}/${d.stepId}`) ?? []), d]);
  return [...bySplit.values()].map((split) => {
    const arms = [...new Set(split.map((d) => d.path))].map((arm) => {
      const of = split.filter((d) => d.path === arm);
      const conversions = of.filter((d) => convertedRuns.has(d.executionId)).length;
      return {
        arm,
        holdout: of.some((d) => d.holdout),
        customers: of.length,
        conversions,
        rate: conversions / of.length,
      };
    });
    const withLift = liftAgainstControl(arms);
    return {
      journeyId: split[0]!.journeyId,
      stepId: split[0]!.stepId,
      arms: withLift,
      verdict: verdict(withLift),
    };
  });
}

/** The difference in conversion rate against the holdout (or the first arm), with a normal 95% interval. */
function liftAgainstControl(arms: Omit<ArmResult, 'lift'>[]): ArmResult[] {
  const control = arms.find((a) => a.holdout) ?? arms[0];
  return arms.map((arm) => {
    if (!control || arm === control) return arm;
    const se = Math.sqrt(
      (arm.rate * (1 - arm.rate)) / arm.customers + (control.rate * (1 - control.rate)) / control.customers,
    );
    const estimate = arm.rate - control.rate;
    return { ...arm, lift: { estimate, low: estimate - 1.96 * se, high: estimate + 1.96 * se } };
  });
}

function verdict(arms: ArmResult[]): string {
  if (arms.length < 2 || arms.some((a) => a.customers < MIN_ARM)) return 'not enough customers';
  const winners = arms.filter((a) => a.lift && a.lift.low > 0).sort((a, b) => b.rate - a.rate);
  return winners[0] ? `winner: ${winners[0].arm}` : 'no difference yet';
}

function countBy<T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
