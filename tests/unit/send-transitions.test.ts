import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadWorkflows } from '../../domain/config/load';
import {
  compileJourney,
  SEND_MESSAGE_RESOURCE,
  sendPath,
  stateName,
  targetsOf,
  type Asl,
} from '../../domain/journey/compile';
import { SendDeferredError } from '../../domain/errors';
import { Journey } from '../../domain/journey/schema';
import { transitionsOfPath, walkExecution } from '../../domain/simulate/transitions';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * A send that is not deferred costs one state transition, its Task, which goes straight on to the state
 * of the step after it: no Choice tests the send's outcome (a deferral is raised and caught), so an email
 * and the step that follows cost at most 2. Checked on every send of every shipped journey and of the
 * golden fixtures (every step type, and the steps the compiler folds into a send's Task).
 */
const fixture = (name: string) =>
  Journey.parse(parse(readFileSync(join(__dirname, '..', 'golden', 'fixtures', `${name}.yaml`), 'utf8')));
const journeys = [
  ...loadWorkflows(WORKFLOWS_DIR).journeys.map((j) => j.journey),
  fixture('every-step'),
  fixture('fused-steps'),
];
const sends = journeys.flatMap((journey) => {
  const asl = compileJourney(journey);
  return journey.steps.flatMap((step, i) =>
    step.type === 'send' ? [{ journey, asl, id: step.id, after: step.next ?? journey.steps[i + 1]?.id }] : [],
  );
});

/** The states the send's ordinary (not deferred, not failed) outcome enters: its Task and the one after. */
const ordinaryFrom = (asl: Asl, id: string) => {
  const next = asl.States[id]?.Type === 'Task' ? asl.States[id].Next : undefined;
  return walkExecution({ ...asl, StartAt: id }, next ? { stopIn: next } : {});
};

describe.each(sends.map((s) => [`${s.journey.id}: ${s.id}`, s] as const))('send %s', (_name, s) => {
  const task = s.asl.States[s.id];

  it('is one Task, whose ordinary outcome goes straight to the next step (or ends the execution)', () => {
    expect(task).toMatchObject({ Type: 'Task', Resource: SEND_MESSAGE_RESOURCE });
    const path = ordinaryFrom(s.asl, s.id);
    const next = path[1];
    if (next === undefined) {
      // A send with nothing but an exit after it ends the execution itself.
      expect(task).toMatchObject({ End: true });
      expect(s.journey.steps.find((st) => st.id === s.after)?.type ?? 'exit').toBe('exit');
    } else expect(next).toBe(s.after);
    expect(transitionsOfPath({ ...s.asl, StartAt: s.id }, path)).toBeLessThanOrEqual(2);
  });

  it('is deferred by its Catch, and no Choice anywhere tests its outcome', () => {
    expect(task?.Type === 'Task' && task.Catch?.[0]).toMatchObject({
      ErrorEquals: expect.arrayContaining([SendDeferredError.name]),
      Next: stateName(s.id, 'deferred'),
    });
    const outcome = `${sendPath(s.id)}.status`;
    const choicesOnOutcome = Object.values(s.asl.States).filter(
      (state) => state.Type === 'Choice' && JSON.stringify(state).includes(outcome),
    );
    expect(choicesOnOutcome).toEqual([]);
  });
});

describe.each(journeys.map((j) => [j.id, compileJourney(j)] as const))('compiled %s', (_id, asl) => {
  it('has no state that no execution can enter', () => {
    const entered = new Set<string>();
    for (const todo = [asl.StartAt]; todo.length;) {
      const name = todo.pop()!;
      if (!entered.has(name)) todo.push(...targetsOf(asl.States[name]!));
      entered.add(name);
    }
    expect(Object.keys(asl.States).filter((name) => !entered.has(name))).toEqual([]);
  });
});
