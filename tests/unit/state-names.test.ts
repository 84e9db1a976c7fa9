import { loadWorkflows } from '../../domain/config/load';
import { ConfigValidationError, type Problem } from '../../domain/errors';
import { compileJourney, DuplicateStateError, RESERVED_SUFFIXES } from '../../domain/journey/compile';
import { stateMap } from '../../domain/journey/compile/asl';
import { Journey } from '../../domain/journey/schema';
import { workflowsWith } from '../support/workflows';

const HELLO = `id: first-small-purchase
version: 3
description: test
entry: { stage: first-purchase }
steps:
  - { id: hello, type: send, channel: email, template: first-purchase-thanks, topic: service }
  - { id: hello-deferred, type: wait, duration: 1d }
  - { id: done, type: exit }
`;

function problemsOf(yaml: string): readonly Problem[] {
  const wf = workflowsWith({ 'journeys/first-small-purchase.yaml': yaml });
  try {
    loadWorkflows(wf.dir);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.problems;
    throw e;
  } finally {
    wf.cleanup();
  }
  throw new Error('expected the workflows to be rejected');
}

describe('state names the compiler adds', () => {
  it('are reserved: a step id ending in one is refused, naming the field, the value and the rule, beside other problems', () => {
    const problems = problemsOf(HELLO.replace('version: 3', 'version: 0'));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'version', value: 0 }),
        expect.objectContaining({
          field: 'steps[1].id',
          value: 'hello-deferred',
          expected: expect.stringContaining('does not end in "-deferred"'),
        }),
      ]),
    );
  });

  it.each(RESERVED_SUFFIXES.map((s) => [s]))('refuses a step id ending in %s', (suffix) => {
    const result = Journey.safeParse({
      id: 'j',
      version: 1,
      description: 'd',
      entry: { event: 'purchase' },
      steps: [{ id: `x${suffix}`, type: 'exit' }],
    });
    expect(result.success).toBe(false);
  });

  it('still lets a next point anywhere (only ids are checked, once)', () => {
    const problems = problemsOf(HELLO);
    expect(problems.filter((p) => p.value === 'hello-deferred')).toHaveLength(1);
  });

  it('are put together by one function that refuses a name twice', () => {
    expect(() =>
      stateMap([
        ['a', { Type: 'Succeed' }],
        ['a', { Type: 'Fail' }],
      ]),
    ).toThrow(DuplicateStateError);
    expect(
      Object.keys(
        stateMap([
          ['b', { Type: 'Succeed' }],
          ['a', { Type: 'Succeed' }],
        ]),
      ),
    ).toEqual(['b', 'a']);
  });

  it('never overwrite a step: a journey that slipped past validation fails to compile instead', () => {
    // Built without the schema, as a journey from an older validator (or a bug) could reach the compiler.
    const journey = {
      id: 'j',
      version: 1,
      description: 'd',
      entry: { event: 'purchase' },
      reEntry: 'once',
      steps: [
        {
          id: 'hello',
          type: 'send',
          channel: 'email',
          template: 't',
          category: 'transactional',
          priority: 'normal',
        },
        { id: 'hello-deferred', type: 'wait', duration: '1d' },
        { id: 'done', type: 'exit' },
      ],
    } as Journey;
    expect(() => compileJourney(journey)).toThrow(/two states are both named "hello-deferred"/);
  });
});
