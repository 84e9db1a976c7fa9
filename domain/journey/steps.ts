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

/** The longest a wait-until step may hold a customer (see the schedule action). */
export const MAX_WAIT_UNTIL_SECONDS = 350 * 86_400;

/**
 * The longest time a customer can spend in the journey along any path that does not loop, counting each
 * wait, wait-for-event timeout and wait-until at its longest. Step Functions ends a Standard execution
 * after a year, so a journey above that would be cut off mid-way.
 */
export function longestPathSeconds(
  journey: Journey,
  secondsOf: (step: Journey['steps'][number]) => number,
): { seconds: number; path: string[] } {
  const graph = journeyGraph(journey);
  const byId = new Map(journey.steps.map((s) => [s.id, s]));
  const memo = new Map<string, { seconds: number; path: string[] }>();
  const visiting = new Set<string>();
  const longest = (id: string): { seconds: number; path: string[] } => {
    const known = memo.get(id);
    if (known) return known;
    if (visiting.has(id)) return { seconds: 0, path: [] }; // a loop: counted once (loops need a wait anyway)
    visiting.add(id);
    let best = { seconds: 0, path: [] as string[] };
    for (const next of graph.get(id) ?? []) {
      const candidate = longest(next);
      if (candidate.seconds > best.seconds) best = candidate;
    }
    visiting.delete(id);
    const step = byId.get(id)!;
    const result = { seconds: secondsOf(step) + best.seconds, path: [id, ...best.path] };
    memo.set(id, result);
    return result;
  };
  return journey.steps[0] ? longest(journey.steps[0].id) : { seconds: 0, path: [] };
}
