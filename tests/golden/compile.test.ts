import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { loadWorkflows } from '../../domain/config/load';
import { compileJourneyToString } from '../../domain/journey/compile';
import { fusedBranches, updatesFoldedIntoSends, waitComputedAtStart } from '../../domain/journey/fusion';
import { parse } from 'yaml';
import { Journey } from '../../domain/journey/schema';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * Golden tests pin the exact ASL of every shipped journey: a change to the compiler or to a journey shows
 * up here as a reviewable diff. Regenerate deliberately with `UPDATE_GOLDEN=1 npx jest tests/golden`.
 */
const workflows = loadWorkflows(WORKFLOWS_DIR);
const fixture = (name: string) =>
  Journey.parse(parse(readFileSync(join(__dirname, 'fixtures', `${name}.yaml`), 'utf8')));
// A fixture using every step type, so that the golden files pin how each one compiles; and one with the
// steps the compiler folds into the Task (or the start) before them.
// And the scenario's journey that starts on a declared event: its sends pass the entry event's properties.
const scenarioJourney = (name: string) =>
  Journey.parse(parse(readFileSync(join(__dirname, '..', 'scenarios', 'journeys', `${name}.yaml`), 'utf8')));
const fixtures = [fixture('every-step'), fixture('fused-steps'), scenarioJourney('browse-reminder')];
const journeys = [
  ...workflows.journeys.map((j) => ({ journey: j.journey, asl: j.asl })),
  ...fixtures.map((journey) => ({ journey, asl: compileJourneyToString(journey) })),
];

describe.each(journeys.map((j) => [j.journey.id, j] as const))('compiled journey %s', (id, loaded) => {
  const goldenPath = join(__dirname, `${id}.asl.json`);

  it('matches its golden file byte for byte', () => {
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenPath, loaded.asl);
    expect(loaded.asl).toBe(readFileSync(goldenPath, 'utf8'));
  });

  it('passes asl-validator', () => {
    const result = aslValidator(JSON.parse(loaded.asl));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('names states after the step ids and passes send steps their template', () => {
    // An exit has a state where a branch, a split or a wait-for-event leads to it; elsewhere the state
    // before it ends the execution.
    const reached = new Set(
      loaded.journey.steps.flatMap((s) =>
        s.type === 'branch'
          ? [...s.paths.map((p) => p.next), s.default]
          : s.type === 'split'
            ? s.paths.map((p) => p.next)
            : s.type === 'wait-for-event'
              ? [s.onEvent, s.onTimeout]
              : [],
      ),
    );
    const asl = JSON.parse(loaded.asl) as {
      StartAt: string;
      States: Record<string, { Type: string; Parameters?: Record<string, unknown> }>;
    };
    // A branch decided by the Task before it, and a first wait computed by the starter, are one state.
    const single = new Set([
      ...fusedBranches(loaded.journey).keys(),
      waitComputedAtStart(loaded.journey)?.id,
    ]);
    // An update the send after it applies has no state of its own.
    const folded = updatesFoldedIntoSends(loaded.journey);
    expect(Object.keys(asl.States)).toEqual(
      loaded.journey.steps.flatMap((s) =>
        (s.type === 'exit' && !reached.has(s.id)) || folded.has(s.id)
          ? []
          : single.has(s.id)
            ? [s.id]
            : s.type === 'branch' || s.type === 'split'
              ? [s.id, `${s.id}-route`]
              : s.type === 'wait' && s.until
                ? [s.id, `${s.id}-until`]
                : s.type === 'send'
                  ? [s.id, `${s.id}-deferred`, `${s.id}-quiet-hours`, `${s.id}-failed`]
                  : [s.id],
      ),
    );
    // A first update the send after it applies: the execution starts at that send.
    const first = loaded.journey.steps[0]!.id;
    expect(asl.StartAt).toBe(folded.get(first)?.id ?? first);
    for (const step of loaded.journey.steps) {
      if (step.type === 'send') {
        const index = loaded.journey.steps.indexOf(step);
        const after = step.next ?? loaded.journey.steps[index + 1]?.id;
        // Where the journey goes after the send, whatever its outcome: the next step, or the end (also
        // in place of an exit step).
        const ends = after === undefined || loaded.journey.steps.find((s) => s.id === after)?.type === 'exit';
        const flow = ends ? { End: true } : { Next: after };
        const outcome = `$.sends.${step.id.replace(/-/g, '_')}`;
        const giveUp = { ErrorEquals: ['States.ALL'], ResultPath: outcome, Next: `${step.id}-failed` };
        expect(asl.States[step.id]).toMatchObject({
          Type: 'Task',
          Resource: '${SendMessageFunctionArn}',
          Parameters: {
            template: step.template,
            stepId: step.id,
            'executionId.$': '$$.Execution.Id',
            deferral: 'error',
          },
          // Sent, skipped or a duplicate, the journey goes straight on: no Choice after a send.
          ...flow,
          // A deferral is raised and caught, and so is throttling once its Retry is spent: both wait; any
          // other failure is caught, recorded on the message, and the journey goes on.
          Catch: [
            {
              ErrorEquals: ['SendDeferredError', 'MessageThrottledError', 'Lambda.TooManyRequestsException'],
              ResultPath: outcome,
              Next: `${step.id}-deferred`,
            },
            giveUp,
          ],
        });
        expect(asl.States[`${step.id}-failed`]).toMatchObject({
          Type: 'Task',
          Resource: '${JourneyStepFunctionArn}',
          Parameters: { action: 'send-failed', stepId: step.id, 'error.$': `${outcome}.Error` },
          ...flow,
        });
        // A deferred send reads until when from its message record, waits, then runs the same step again.
        expect(asl.States[`${step.id}-deferred`]).toMatchObject({
          Type: 'Task',
          Resource: '${JourneyStepFunctionArn}',
          Parameters: { action: 'deferred', stepId: step.id, 'executionId.$': '$$.Execution.Id' },
          ResultPath: outcome,
          Catch: [giveUp],
          Next: `${step.id}-quiet-hours`,
        });
        expect(asl.States[`${step.id}-quiet-hours`]).toEqual({
          Type: 'Wait',
          Comment: expect.any(String),
          TimestampPath: `${outcome}.until`,
          Next: step.id,
        });
      }
    }
  });
});

describe('compiler', () => {
  const journey = (steps: unknown[]) =>
    Journey.parse({ id: 'j', version: 2, description: 'd', entry: { event: 'purchase' }, steps });

  it('ends on the last step when there is no exit step', () => {
    const asl = JSON.parse(compileJourneyToString(journey([{ id: 'w', type: 'wait', duration: '2w' }]))) as {
      States: Record<string, unknown>;
    };
    expect(asl.States).toEqual({ w: { Type: 'Wait', Comment: 'Wait 2w', Seconds: 14 * 86_400, End: true } });
  });

  it('ends on the state before an exit; the exit keeps its state only where a Choice or a Catch leads to it', () => {
    const send = { type: 'send', channel: 'email', template: 't', topic: 'offers' };
    const statesOf = (steps: unknown[]) =>
      (JSON.parse(compileJourneyToString(journey(steps))) as { States: Record<string, { End?: true }> })
        .States;
    const plain = statesOf([
      { id: 's', ...send },
      { id: 'done', type: 'exit' },
    ]);
    expect(Object.keys(plain)).toEqual(['s', 's-deferred', 's-quiet-hours', 's-failed']);
    expect([plain.s?.End, plain['s-failed']?.End]).toEqual([true, true]);
    const branched = statesOf([
      {
        id: 'b',
        type: 'branch',
        paths: [{ name: 'vip', when: { tier: 'vip' }, next: 's' }],
        default: 'done',
      },
      { id: 's', ...send },
      { id: 'done', type: 'exit' },
    ]);
    expect(branched.s?.End).toBe(true);
    expect(branched.done).toEqual({ Type: 'Succeed', Comment: 'Exit the journey' });
  });

  it('compiles every duration unit to seconds', () => {
    const seconds = (duration: string) =>
      (
        JSON.parse(compileJourneyToString(journey([{ id: 'w', type: 'wait', duration }]))) as {
          States: { w: { Seconds: number } };
        }
      ).States.w.Seconds;
    expect([
      seconds('45s'),
      seconds('30m'),
      seconds('12h'),
      seconds('3d'),
      seconds('1w'),
      seconds('365d'),
    ]).toEqual([45, 1800, 43_200, 259_200, 604_800, 31_536_000]);
  });

  it('is deterministic', () => {
    const j = journey([{ id: 's', type: 'send', channel: 'email', template: 't', topic: 'offers' }]);
    expect(compileJourneyToString(j)).toBe(compileJourneyToString(structuredClone(j)));
  });
});
