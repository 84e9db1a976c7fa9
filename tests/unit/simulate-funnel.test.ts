import { loadWorkflows } from '../../domain/config/load';
import { exitEndedInto } from '../../domain/simulate/funnel';
import { walkExecution } from '../../domain/simulate/transitions';
import { WORKFLOWS_DIR } from '../support/local';

/**
 * The funnel counts an exit as entered by an execution that ended on the state before it: the compiled
 * ASL spares that exit's Succeed (one billed transition), not the customer's step.
 */
const { journeys } = loadWorkflows(WORKFLOWS_DIR);
const { journey, asl } = journeys.find((j) => j.journey.id === 'first-small-purchase')!;

describe('the exit an execution reached', () => {
  it('is the exit after the step it ended on: the last send, or its failure record', () => {
    const path = walkExecution(asl);
    expect(path).not.toContain('done');
    expect(exitEndedInto(journey, path, true)).toBe('done');
    const failed = walkExecution(asl, { turns: { 'suggest-next-step': ['suggest-next-step-failed'] } });
    expect(exitEndedInto(journey, failed, true)).toBe('done');
  });

  it('is none when it entered the exit itself, was stopped, or ended on a last step', () => {
    const bought = walkExecution(asl, { turns: { 'bought-again-route': ['done'] } });
    expect(bought.at(-1)).toBe('done');
    expect(exitEndedInto(journey, bought, true)).toBeUndefined();
    expect(exitEndedInto(journey, walkExecution(asl, { stopIn: 'give-it-time' }), false)).toBeUndefined();
    const birthday = journeys.find((j) => j.journey.id === 'birthday-greeting')!;
    expect(exitEndedInto(birthday.journey, walkExecution(birthday.asl), true)).toBeUndefined();
  });
});
