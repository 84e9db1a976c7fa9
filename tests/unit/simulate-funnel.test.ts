import { loadWorkflows } from '../../domain/config/load';
import { exitEndedInto } from '../../domain/simulate/funnel';
import { walkExecution } from '../../domain/simulate/transitions';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * The funnel counts an exit as entered by an execution that ended on the state before it: the compiled
 * ASL spares that exit's Succeed (one billed transition), not the customer's step.
 */
const { journeys } = loadWorkflows(WORKFLOWS_DIR);
const { journey, asl } = journeys.find((j) => j.journey.id === 'dormancy-reactivation')!;
// The offer's Task decides VIP or not: the branch is its Choice alone, named after the step.
const vip = { turns: { 'vip-or-not': ['then-a-person'] } };

describe('the exit an execution reached', () => {
  it("is the exit after the step it ended on: the VIP's call to their relationship manager", () => {
    const path = walkExecution(asl, vip);
    expect(path.at(-1)).toBe('relationship-manager-call');
    expect(path).not.toContain('done');
    expect(exitEndedInto(journey, path, true)).toBe('done');
  });

  it('is none when it entered the exit itself, was stopped, or ended on a last step', () => {
    const regular = walkExecution(asl);
    expect(regular.at(-1)).toBe('done');
    expect(exitEndedInto(journey, regular, true)).toBeUndefined();
    expect(exitEndedInto(journey, walkExecution(asl, vip), false)).toBeUndefined();
    expect(exitEndedInto(journey, walkExecution(asl, { stopIn: 'give-it-a-week' }), false)).toBeUndefined();
    const birthday = journeys.find((j) => j.journey.id === 'birthday-greeting')!;
    expect(exitEndedInto(birthday.journey, walkExecution(birthday.asl), true)).toBeUndefined();
  });
});
