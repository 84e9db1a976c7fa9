import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { loadWorkflows } from '../../domain/config/load';
import type { Checkpoint } from '../../local/execution-journal';
import { resumedDefinition, waitDueAt } from '../../local/resume-definition';
import { WORKFLOWS_DIR } from '../support/paths';

const entered = new Date('2026-11-22T10:00:00Z');

describe('waitDueAt: when a Wait entered at a given instant ends', () => {
  it('reads Seconds, Timestamp, SecondsPath and TimestampPath (after InputPath)', () => {
    expect(waitDueAt({ Type: 'Wait', Seconds: 259_200, End: true }, {}, entered)).toBe(
      '2026-11-25T10:00:00.000Z',
    );
    expect(waitDueAt({ Type: 'Wait', Timestamp: '2026-12-01T01:00:00+08:00', End: true }, {}, entered)).toBe(
      '2026-11-30T17:00:00.000Z',
    );
    const input = { sends: { thank_you: { until: '2026-11-23T01:00:00Z' } }, delay: { s: 60 } };
    expect(
      waitDueAt({ Type: 'Wait', TimestampPath: '$.sends.thank_you.until', End: true }, input, entered),
    ).toBe('2026-11-23T01:00:00.000Z');
    expect(
      waitDueAt({ Type: 'Wait', SecondsPath: '$.s', InputPath: '$.delay', End: true }, input, entered),
    ).toBe('2026-11-22T10:01:00.000Z');
  });

  it('gives no time for a path it cannot follow or a value that is not a time (no checkpoint then)', () => {
    const wait = (TimestampPath: string) => ({ Type: 'Wait' as const, TimestampPath, End: true as const });
    expect(waitDueAt(wait('$.a[0]'), { a: ['2026-11-23T01:00:00Z'] }, entered)).toBeUndefined();
    expect(waitDueAt(wait('$.a'), { a: 'tomorrow' }, entered)).toBeUndefined();
    expect(waitDueAt(wait('$.a.b'), { a: null }, entered)).toBeUndefined();
  });
});

describe('resumedDefinition: the shipped first-purchase journey, resumed', () => {
  const journey = loadWorkflows(WORKFLOWS_DIR).journeys.find((j) => j.journey.id === 'first-small-purchase')!;
  const definition = JSON.parse(journey.asl) as StateMachineDefinition;
  const now = new Date('2026-11-23T10:00:00Z');

  it('starts over with the original input when there is no checkpoint', () => {
    const resumed = resumedDefinition(definition, { customerId: 'c-1' }, undefined, now);
    expect(resumed).toEqual({ definition, startAt: definition.StartAt, input: { customerId: 'c-1' } });
  });

  it('waits for the original due time in a copy of the Wait, then goes on where the Wait went', () => {
    const checkpoint: Checkpoint = {
      kind: 'wait',
      state: 'let-it-arrive',
      input: { customerId: 'c-1', sends: {} },
      enteredAt: '2026-11-22T10:00:00.000Z',
      dueAt: '2026-11-25T10:00:00.000Z',
    };
    const resumed = resumedDefinition(definition, { customerId: 'c-1' }, checkpoint, now);
    expect(resumed.startAt).toBe('let-it-arrive (resumed)');
    expect(resumed.input).toEqual(checkpoint.input);
    expect(resumed.definition.StartAt).toBe('let-it-arrive (resumed)');
    expect(resumed.definition.States['let-it-arrive (resumed)']).toEqual({
      Type: 'Wait',
      Comment: expect.any(String),
      Timestamp: '2026-11-25T10:00:00.000Z',
      Next: (definition.States['let-it-arrive'] as { Next: string }).Next,
    });
    // Every original state is still there, unchanged: a later loop back to the Wait waits its full time.
    for (const [name, state] of Object.entries(definition.States))
      expect(resumed.definition.States[name]).toEqual(state);
  });

  it('waits for the same token in a copy of the callback Task whose own timeout cannot end it first', () => {
    const state = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'f', Payload: {} },
      TimeoutSeconds: 1_209_600,
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'nudge' }],
      Next: 'thanks',
    };
    const withCallback = {
      StartAt: 'wait-for-purchase',
      States: {
        'wait-for-purchase': state,
        thanks: { Type: 'Succeed' },
        nudge: { Type: 'Succeed' },
      },
    } as unknown as StateMachineDefinition;
    const callback = (deadline?: string): Checkpoint => ({
      kind: 'callback',
      state: 'wait-for-purchase',
      input: {},
      enteredAt: '2026-11-22T10:00:00.000Z',
      token: 't-1',
      ...(deadline ? { deadline } : {}),
    });
    const copy = (c: Checkpoint) =>
      resumedDefinition(withCallback, {}, c, now).definition.States['wait-for-purchase (resumed)'];
    expect(copy(callback('2026-11-23T10:00:30.500Z'))).toEqual({ ...state, TimeoutSeconds: 32 });
    expect(copy(callback('2026-11-20T00:00:00.000Z'))).toEqual({ ...state, TimeoutSeconds: 1 });
    expect(copy(callback())).toEqual({ ...state, TimeoutSeconds: 99_999_999 });
  });

  it('refuses a checkpoint whose state is not in the definition', () => {
    const checkpoint: Checkpoint = {
      kind: 'wait',
      state: 'gone',
      input: {},
      enteredAt: '2026-11-22T10:00:00.000Z',
      dueAt: '2026-11-25T10:00:00.000Z',
    };
    expect(() => resumedDefinition(definition, {}, checkpoint, now)).toThrow(/"gone" is not in/);
  });
});
