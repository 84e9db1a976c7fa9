import { assertNever } from '../assert-never';
import type { Journey, SendStep, Step, UpdateStep, WaitStep } from './schema';
import { successors } from './steps';

/**
 * Work the compiler moves out of a Task of its own into a Task (or the starter) that runs anyway, so that
 * an execution enters fewer states: each state entered is a billed Step Functions transition. What the
 * customer gets is the same: the same domain code runs at the same instant and records the same things.
 * The compiler (compile/) and the starter (enter.ts) both read these plans, so the ASL expects exactly
 * what the starter puts in the execution input.
 */

export type WaitUntilStep = WaitStep & { until: NonNullable<WaitStep['until']> };

/**
 * The journey's first step when it is a wait until a computed instant that nothing leads back to: its
 * instant is computed by the starter, as the `schedule` action would compute it at the same instant (the
 * start), and put in the execution input, so the execution begins with the Wait itself. A first step some
 * step leads back to keeps its own schedule Task: a second visit needs a new instant.
 */
export function waitComputedAtStart(journey: Pick<Journey, 'steps'>): WaitUntilStep | undefined {
  const [first] = journey.steps;
  if (first?.type !== 'wait' || first.until === undefined) return undefined;
  if (predecessors(journey.steps, first.id).length > 0) return undefined;
  return first as WaitUntilStep;
}

/** A step whose Lambda Task can decide a branch after its own work. */
export type DecidingStep = SendStep | UpdateStep;

/**
 * Branches decided by the Task of the step before them (a send, or an update), keyed by the branch's id:
 * that Task evaluates the branch after its own work, with the same domain code as the `branch` action,
 * records the decision as that action would, and returns it; the branch compiles to its Choice alone.
 * Only a branch with one way in, from such a step, is fused: a branch reached from the start, a Wait, a
 * Choice, a wait-for-event or a `task` step (EventBridge, no Rapport code runs) keeps its own Task.
 */
export function fusedBranches(journey: Pick<Journey, 'steps'>): Map<string, DecidingStep> {
  const fused = new Map<string, DecidingStep>();
  journey.steps.forEach((step, i) => {
    if (step.type !== 'branch' || i === 0) return;
    const into = predecessors(journey.steps, step.id);
    const [only] = into;
    if (into.length === 1 && only && decidesAfter(only)) fused.set(step.id, only);
  });
  return fused;
}

/**
 * Update steps the send right after them applies (keyed by the update's id): the send-message task applies
 * the update first, on its first attempt, whatever the send then does (sent, skipped, deferred, failed),
 * so the update has no state of its own and what led to it leads to the send (the start too: the compiler
 * starts at the send). Only where the send has no other way in (else a customer arriving there would get
 * the update too), and every way into the update is a step's ordinary next (a Choice or a wait-for-event
 * names its targets itself). A first step only when the start is its one way in, as a first computed wait.
 */
export function updatesFoldedIntoSends(journey: Pick<Journey, 'steps'>): Map<string, SendStep> {
  const folded = new Map<string, SendStep>();
  journey.steps.forEach((step, i) => {
    if (step.type !== 'update') return;
    const [nextId] = successors(step, journey.steps[i + 1]?.id);
    const send = journey.steps.find((s): s is SendStep => s.id === nextId && s.type === 'send');
    if (!send || predecessors(journey.steps, send.id).length !== 1) return;
    const into = predecessors(journey.steps, step.id);
    if (i === 0 ? into.length === 0 : into.every(leadsOnByNext)) folded.set(step.id, send);
  });
  return folded;
}

/** A step whose compiled states go on to its one successor by the `next` the compiler gives them. */
function leadsOnByNext(step: Step): boolean {
  switch (step.type) {
    case 'send':
    case 'wait':
    case 'update':
    case 'task':
      return true;
    case 'wait-for-event':
    case 'branch':
    case 'split':
    case 'exit':
      return false;
    default:
      return assertNever(step);
  }
}

function decidesAfter(step: Step): step is DecidingStep {
  switch (step.type) {
    case 'send':
    case 'update':
      return true;
    case 'wait':
    case 'wait-for-event':
    case 'branch':
    case 'split':
    case 'task':
    case 'exit':
      return false;
    default:
      return assertNever(step);
  }
}

/** The steps that lead to `id` (each once). */
function predecessors(steps: readonly Step[], id: string): Step[] {
  return steps.filter((s, i) => successors(s, steps[i + 1]?.id).includes(id));
}
