import { stepOfState } from '../journey/compile';
import type { Journey } from '../journey/schema';
import { successors } from '../journey/steps';

/**
 * The exit step an execution that succeeded reached without entering its state: the compiler ends the
 * state before an exit there (one billed transition less), so the execution ended on a state whose step
 * goes on to that exit. Undefined when it entered its exit's state, ended on a last step, or did not
 * succeed. `statesEntered` are the names of the states entered, in order.
 */
export function exitEndedInto(
  journey: Pick<Journey, 'steps'>,
  statesEntered: readonly string[],
  succeeded: boolean,
): string | undefined {
  const last = statesEntered.at(-1);
  if (!succeeded || last === undefined) return undefined;
  const stepId = stepOfState(last, new Set(journey.steps.map((s) => s.id)));
  const i = journey.steps.findIndex((s) => s.id === stepId);
  const step = journey.steps[i];
  if (!step || step.type === 'exit') return undefined;
  const next = successors(step, journey.steps[i + 1]?.id)[0];
  return journey.steps.find((s) => s.id === next)?.type === 'exit' ? next : undefined;
}
