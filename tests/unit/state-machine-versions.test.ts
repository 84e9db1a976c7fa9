import { buildVersion } from '../../local/state-machine-versions';

const task = async () => ({});
const asl = (states: Record<string, unknown>, startAt = 'a') =>
  JSON.stringify({ StartAt: startAt, States: states });
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:rapport-journey-step';

describe('buildVersion: a state machine version the local runtime can run', () => {
  it('builds a valid definition once per process, and the same text again gives the same machine', () => {
    const text = asl({ a: { Type: 'Task', Resource: '${Fn}', End: true } });
    const options = { tasks: { [ARN]: task }, substitutions: { Fn: ARN }, validate: true };
    const first = buildVersion('rapport-x', text, options);
    expect(first.definition.States.a).toMatchObject({ Resource: ARN });
    expect(buildVersion('rapport-x', text, options).machine).toBe(first.machine);
  });

  it('refuses an invalid definition every time (an invalid text is never remembered as valid)', () => {
    const text = asl({ a: { Type: 'Choice', Default: 'nowhere' } });
    const options = { tasks: {}, substitutions: {}, validate: true };
    expect(() => buildVersion('rapport-bad', text, options)).toThrow(/invalid/i);
    expect(() => buildVersion('rapport-bad', text, options)).toThrow(/invalid/i);
  });

  it('names the state whose task the local runtime does not provide', () => {
    const text = asl({
      a: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:other', End: true },
    });
    expect(() => buildVersion('rapport-x', text, { tasks: {}, substitutions: {}, validate: false })).toThrow(
      'rapport-x: state "a" uses arn:aws:lambda:us-east-1:000000000000:function:other, which the local runtime does not provide',
    );
  });
});
