import { START } from '../../domain/journey/graph';
import { stateMachineName } from '../../domain/journey/state-machine-name';
import type { LocalRuntime } from '../../local/runtime';
import { localStateMachineArn } from '../../local/stepfunctions';
import type { VirtualTime } from '../../local/virtual-time';
import { buyAgain, firstPurchases, SPLIT, startExperimentRuntime, storedArms } from '../support/experiment';
import { httpRequest } from '../support/http';

/**
 * Where executions ended, on the journey's diagram: the experiment's first-small-purchase run to its end,
 * some customers stopped by the goal on the way. A thanked customer's run ends on its last send, whose
 * next step is the exit `done`: the compiler spares that exit's state, so only the executions' states say
 * nothing of it, yet the diagram must count them there. Figures are checked against the executions and the
 * store.
 */

let time: VirtualTime;
let runtime: LocalRuntime;
let stop: (() => Promise<void>) | undefined;
const CUSTOMERS = Array.from({ length: 8 }, (_, i) => `x-${i}`);

beforeAll(async () => {
  // No sweeper: its hourly pass over 17 days would cost more than the journey itself.
  ({ time, runtime, stop } = await startExperimentRuntime({ sweepEveryMs: 0 }));
  await firstPurchases(runtime, CUSTOMERS);
  await time.run(runtime.activity, { until: '2026-11-23T10:00:00Z' });
  // Half the thanked buy again while the journey waits: the goal stops their executions. A held-out
  // customer too, whose execution had already ended: a conversion, but no stop.
  const [thanked, heldOut] = (await storedArms(runtime, CUSTOMERS)).arms;
  await buyAgain(
    runtime,
    [...thanked!.customers.filter((_, i) => i % 2 === 0), ...heldOut!.customers.slice(0, 1)],
    '2026-11-23T09:00:00Z',
  );
  // Past the thanked customers' last send (3 + 11 days on).
  await time.run(runtime.activity, { until: '2026-12-09T12:00:00Z' });
}, 30_000);

afterAll(() => stop?.());

/** The numbers the diagram shows per node (step id, START or FINISH), by kind. */
function nodeCounts(html: string): Map<string, Record<string, number>> {
  const nodes = new Map<string, Record<string, number>>();
  for (const [, id = '', body = ''] of html.matchAll(
    /<g class="step[^"]*" data-step="([^"]+)">(.*?)<\/g>/g,
  )) {
    const counts: Record<string, number> = {};
    for (const [, kind = '', n] of body.matchAll(/data-kind="([\w-]+)">(\d+)</g)) counts[kind] = Number(n);
    nodes.set(id.replace('&#40;', '(').replace('&#41;', ')'), counts);
  }
  return nodes;
}

it('counts every execution that ended at the node it ended in, exits it ended into included', async () => {
  const res = await httpRequest(`${runtime.urls.api}/journey?id=${SPLIT.journeyId}`);
  expect(res.status).toBe(200);
  const nodes = nodeCounts(res.text);
  const executions = runtime.stepFunctions.listExecutions(
    localStateMachineArn(stateMachineName(SPLIT.journeyId)),
  );
  const { arms, converted } = await storedArms(runtime, CUSTOMERS);
  const [thanked, heldOut] = arms;
  const ended = executions.filter((e) => e.status !== 'RUNNING');
  const stoppedByGoal = ended.filter((e) => e.status === 'ABORTED' && converted.has(e.executionArn));
  const endedOnLastSend = ended.filter(
    (e) => e.status === 'SUCCEEDED' && !e.statesEntered.some((s) => s.name === 'hold-out'),
  );
  // What this test is about: runs that reached `done` with no state of it entered, and runs the goal stopped.
  expect(endedOnLastSend.length).toBe(thanked!.customers.length - thanked!.converted.length);
  expect(endedOnLastSend.length).toBeGreaterThan(0);
  expect(endedOnLastSend.every((e) => e.statesEntered.at(-1)?.name === 'suggest-next-step')).toBe(true);
  expect(stoppedByGoal.length).toBe(thanked!.converted.length);
  expect(stoppedByGoal.length).toBeGreaterThan(0);
  expect(heldOut!.converted.length).toBeGreaterThan(0);
  expect(ended).toHaveLength(executions.length);

  expect(nodes.get('done')).toEqual({ ended: endedOnLastSend.length });
  expect(nodes.get('hold-out')).toEqual({ ended: heldOut!.customers.length });
  expect(nodes.get(START)).toEqual({ entered: executions.length });
  const sum = (kind: string) => [...nodes.values()].reduce((n, c) => n + (c[kind] ?? 0), 0);
  expect(sum('ended')).toBe(ended.length);
  expect(sum('goal')).toBe(stoppedByGoal.length);
  expect(nodes.get('let-it-arrive')).toMatchObject({
    ended: stoppedByGoal.length,
    goal: stoppedByGoal.length,
  });
  // The table under the diagram: `done` entered by as many as ended there.
  expect(res.text).toMatch(
    new RegExp(`<th scope="row">done</th><td class="text">exit</td><td>${endedOnLastSend.length}</td>`),
  );
});
