import { assertNever } from '../assert-never';
import type { GraphStep, JourneyGraphInput } from './skeleton';

/**
 * Where a step may lead. A step without `next` falls through to the step below it; the last one ends
 * the journey. Branches and splits go where their paths say.
 */
export function successors(step: GraphStep, below: string | undefined): string[] {
  switch (step.type) {
    case 'send':
    case 'wait':
    case 'update':
    case 'task': {
      const next = step.next ?? below;
      return next === undefined ? [] : [next];
    }
    case 'branch':
      return [...new Set([...step.paths.map((p) => p.next), step.default])];
    case 'split':
      return [...new Set(step.paths.map((p) => p.next))];
    case 'wait-for-event':
      return [...new Set([step.onEvent, step.onTimeout])];
    case 'exit':
      return [];
    default:
      return assertNever(step);
  }
}

/** Each step's successors; a target that names no step is left out (the reference check reports it). */
export function journeyGraph(journey: JourneyGraphInput): Map<string, string[]> {
  const ids = new Set(journey.steps.map((s) => s.id));
  return new Map(
    journey.steps.map((s, i) => [s.id, successors(s, journey.steps[i + 1]?.id).filter((id) => ids.has(id))]),
  );
}

/** Steps no customer can ever reach from the first step. */
export function unreachableSteps(journey: JourneyGraphInput): string[] {
  const graph = journeyGraph(journey);
  const seen = new Set<string>();
  const stack = journey.steps[0] ? [journey.steps[0].id] : [];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(graph.get(id) ?? []));
  }
  return journey.steps.map((s) => s.id).filter((id) => !seen.has(id));
}

/**
 * A cycle in which no step waits: a customer would loop without pause (and a send inside it would
 * flood them). Returns the step ids of one such cycle, or undefined.
 */
export function loopWithoutWait(journey: JourneyGraphInput): string[] | undefined {
  const waits = new Set(
    journey.steps.filter((s) => s.type === 'wait' || s.type === 'wait-for-event').map((s) => s.id),
  );
  // A wait breaks any cycle through it.
  return findCycle(journey, (id) => !waits.has(id));
}

/** One cycle among the steps `include` admits, as step ids in order, or undefined if there is none. */
export function findCycle(
  journey: JourneyGraphInput,
  include: (id: string) => boolean = () => true,
): string[] | undefined {
  const graph = journeyGraph(journey);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (!include(id)) return undefined;
    if (state.get(id) === 'open') return path.slice(path.indexOf(id));
    if (state.get(id) === 'done') return undefined;
    state.set(id, 'open');
    path.push(id);
    for (const next of graph.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of journey.steps) {
    const cycle = visit(step.id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** The longest a wait-until step for a holiday or an anniversary may hold a customer (see the schedule action). */
export const MAX_WAIT_UNTIL_SECONDS = 350 * 86_400;
