import { assertNever } from '../../assert-never';
import type { Journey, Step } from '../schema';
import { fusedBranches, updatesFoldedIntoSends, waitComputedAtStart } from '../fusion';
import { successors } from '../steps';
import { stateMap, targetsOf, type Asl, type NamedState } from './asl';
import type { StepContext } from './context';
import { compileDecision, decisionVariable } from './decide';
import { NO_CALENDAR, type Calendar } from './resources';
import { compileSend } from './send';
import { compileExit, compileTask } from './task';
import { compileUpdate } from './update';
import { compileWait } from './wait';
import { compileWaitForEvent } from './wait-for-event';

export type { Asl, AslState } from './asl';
export { DuplicateStateError, targetsOf } from './asl';
export * from './names';
export * from './resources';

/**
 * Compiles a validated journey to Amazon States Language (JSONPath, so aws-local-stepfunctions runs it
 * too). State names are the step ids, so an execution in the Step Functions console reads like the YAML.
 * Throws DuplicateStateError if two states would share a name (validation refuses such journeys first).
 */
export function compileJourney(journey: Journey, context: Calendar = NO_CALENDAR): Asl {
  const first = journey.steps[0];
  if (!first) throw new Error(`journey ${journey.id} has no steps`);
  const exits = new Set(journey.steps.filter((s) => s.type === 'exit').map((s) => s.id));
  const fused = fusedBranches(journey);
  const decides = new Map([...fused].map(([branchId, by]) => [by.id, branchId]));
  const folded = updatesFoldedIntoSends(journey);
  const applies = new Map([...folded].map(([updateId, send]) => [send.id, updateId]));
  // What leads to an update the send after it applies leads to that send's state.
  const stateOf = (id: string | undefined) => (id === undefined ? id : (folded.get(id)?.id ?? id));
  const scheduledAtStart = waitComputedAtStart(journey)?.id;
  const stepOf = <T extends Step['type']>(id: string | undefined, type: T) =>
    journey.steps.find((s): s is Extract<Step, { type: T }> => s.id === id && s.type === type);
  const states = journey.steps.flatMap((step, i) => {
    const next = successors(step, journey.steps[i + 1]?.id)[0];
    // A state followed by an exit ends the execution itself: the same outcome (a Succeed passes its
    // input on), one billed state transition less. A Choice or a Catch still leads to the exit's state.
    const ends = next !== undefined && exits.has(next);
    const by = fused.get(step.id);
    return compileStep({
      journey,
      step,
      next: ends ? undefined : stateOf(next),
      calendar: context,
      decides: stepOf(decides.get(step.id), 'branch'),
      decidedAt: by ? decisionVariable(by, step.id) : undefined,
      scheduledAtStart: step.id === scheduledAtStart,
      applies: stepOf(applies.get(step.id), 'update'),
      foldedInto: folded.get(step.id)?.id,
    });
  });
  // A first update the send after it applies: the execution starts at that send.
  const startAt = stateOf(first.id) ?? first.id;
  return {
    Comment: `${journey.id} v${journey.version}: ${journey.description}`,
    StartAt: startAt,
    States: stateMap(withoutUnreachedExits(states, startAt)),
  };
}

/** An exit that every way to ends before it: Step Functions refuses a state nothing leads to. */
function withoutUnreachedExits(states: NamedState[], startAt: string): NamedState[] {
  const reached = new Set([startAt, ...states.flatMap(([, state]) => targetsOf(state))]);
  return states.filter(([name, state]) => state.Type !== 'Succeed' || reached.has(name));
}

/** The exact text deployed and executed: stable key order, two-space indent, trailing newline. */
export function compileJourneyToString(journey: Journey, context: Calendar = NO_CALENDAR): string {
  return `${JSON.stringify(compileJourney(journey, context), null, 2)}\n`;
}

function compileStep(ctx: StepContext): NamedState[] {
  // Each case narrows the step; the context is rebuilt around it so the compiler gets its own step type.
  const { step } = ctx;
  switch (step.type) {
    case 'send':
      return compileSend({ ...ctx, step });
    case 'wait':
      return compileWait({ ...ctx, step });
    case 'wait-for-event':
      return compileWaitForEvent({ ...ctx, step });
    case 'branch':
    case 'split':
      return compileDecision({ ...ctx, step });
    case 'update':
      return compileUpdate({ ...ctx, step });
    case 'task':
      return compileTask({ ...ctx, step });
    case 'exit':
      return compileExit({ ...ctx, step });
    default:
      return assertNever(step);
  }
}
