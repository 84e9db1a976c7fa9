import { durationSeconds } from '../config/duration';
import { spanBounds } from '../config/span';
import type { StageRule } from '../lifecycle/schema';
import { stepCost, type LimitContext } from './limits';
import type { Journey } from './schema';
import { findCycle, journeyGraph } from './steps';

const DAY = 86_400;

/** A way on that the journey's goal leaves (almost) no customer to take. */
export type GoalDeadPath =
  | {
      kind: 'branch';
      step: number;
      path: number;
      stepId: string;
      name: string;
      /** The fewest purchases the path asks for, and the most a customer can have on entering. */
      min: number;
      entryMax: number;
      /** The latest a customer reaches the step after entering, in seconds (worst case). */
      latestSeconds: number;
    }
  | { kind: 'wait-for-event'; step: number; stepId: string; latestSeconds: number };

export interface GoalDeadPathContext extends LimitContext {
  stages: readonly Pick<StageRule, 'id' | 'when'>[];
  /** settings.yaml `events.maxFutureSkew` in seconds: an event may be dated this far past its arrival. */
  futureSkewSeconds: number;
}

/**
 * Ways on that a goal rules out. Any goal event dated from the entry to the goal window's end stops the
 * execution, so for a step every customer reaches within the window (the longest path there, with every
 * deferral a send may take, a day for the start's queue and the events' future skew):
 * - a `wait-for-event` on the goal's event never takes `onEvent` if its timeout ends within the window
 *   too (the event ends the journey first);
 * - with a `purchase` goal, a customer who entered with at most N purchases (the entry's `where`, or the
 *   stage entered, says so) has no more at a branch: a path asking for more can only be taken by a
 *   purchase dated before the entry that arrives late.
 * Conservative: a journey with a loop, an entry that bounds no count, or a step reachable after the
 * window is never flagged.
 */
export function goalDeadPaths(journey: Journey, ctx: GoalDeadPathContext): GoalDeadPath[] {
  const goal = journey.goal;
  if (!goal || findCycle(journey)) return [];
  // A calendar year at its shortest (365 days): a path is called dead only if it is in every year.
  const window = spanBounds(goal.within).shortest / 1000 - DAY - ctx.futureSkewSeconds;
  const entryMax = goal.event === 'purchase' ? entryPurchaseMax(journey, ctx.stages) : undefined;
  const latest = latestArrivals(journey, ctx);
  const dead: GoalDeadPath[] = [];
  journey.steps.forEach((step, i) => {
    const latestSeconds = latest.get(step.id) ?? Infinity;
    if (step.type === 'wait-for-event' && step.event === goal.event) {
      if (latestSeconds + durationSeconds(step.timeout) <= window)
        dead.push({ kind: 'wait-for-event', step: i, stepId: step.id, latestSeconds });
    }
    if (step.type !== 'branch' || entryMax === undefined || latestSeconds > window) return;
    step.paths.forEach((p, j) => {
      const min = p.when.purchaseCount?.min;
      if (min !== undefined && min > entryMax)
        dead.push({
          kind: 'branch',
          step: i,
          path: j,
          stepId: step.id,
          name: p.name,
          min,
          entryMax,
          latestSeconds,
        });
    });
  });
  return dead;
}

/** The most purchases a customer can have on entering, if the entry bounds it. */
function entryPurchaseMax(journey: Journey, stages: GoalDeadPathContext['stages']): number | undefined {
  // A customer is in the first stage whose `when` holds, so entering a stage means its `when` held.
  const stage = journey.entry.stage ? stages.find((s) => s.id === journey.entry.stage) : undefined;
  const bounds = [journey.entry.where?.purchaseCount?.max, stage?.when.purchaseCount?.max];
  const known = bounds.filter((b): b is number => b !== undefined);
  return known.length ? Math.min(...known) : undefined;
}

/** Per step, the latest a customer can reach it after entering: the longest path there, in seconds. */
function latestArrivals(journey: Journey, ctx: LimitContext): Map<string, number> {
  const graph = journeyGraph(journey);
  const latest = new Map<string, number>();
  const first = journey.steps[0];
  if (!first) return latest;
  // Without a loop (checked by the caller) a longest path is found by relaxing in topological order.
  const order = topologicalOrder(first.id, graph);
  latest.set(first.id, 0);
  for (const id of order) {
    const at = latest.get(id);
    const step = journey.steps.find((s) => s.id === id);
    if (at === undefined || !step) continue;
    const leave = at + stepCost(step, ctx).seconds;
    for (const next of graph.get(id) ?? []) latest.set(next, Math.max(latest.get(next) ?? 0, leave));
  }
  return latest;
}

function topologicalOrder(from: string, graph: Map<string, string[]>): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (id: string) => {
    if (done.has(id)) return;
    done.add(id);
    for (const next of graph.get(id) ?? []) visit(next);
    order.push(id);
  };
  visit(from);
  return order.reverse();
}
