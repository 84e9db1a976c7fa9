import { assertNever } from '../assert-never';
import type { Journey, Step } from './schema';

/**
 * Where a step may lead. A step without `next` falls through to the step below it; the last one ends
 * the journey. Branches and splits go where their paths say.
 */
export function successors(step: Step, below: string | undefined): string[] {
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

export function journeyGraph(journey: Journey): Map<string, string[]> {
  return new Map(journey.steps.map((s, i) => [s.id, successors(s, journey.steps[i + 1]?.id)]));
}

/** Steps no customer can ever reach from the first step. */
export function unreachableSteps(journey: Journey): string[] {
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
export function loopWithoutWait(journey: Journey): string[] | undefined {
  const graph = journeyGraph(journey);
  const waits = new Set(
    journey.steps.filter((s) => s.type === 'wait' || s.type === 'wait-for-event').map((s) => s.id),
  );
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (waits.has(id)) return undefined; // a wait breaks any cycle through it
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
