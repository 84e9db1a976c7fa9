import { stateMachineArns, stateMachineName } from '../../domain/journey/state-machine-name';
import { readEnv, StateMachineArnPrefix } from '../../functions/shared/env';
import * as z from 'zod';

const PREFIX = 'arn:aws:states:eu-west-1:123456789012:stateMachine:';

describe('state machine names', () => {
  it('are rapport-<journey id>, and each ARN is the prefix and the name', () => {
    expect(stateMachineName('spring-festival-greeting')).toBe('rapport-spring-festival-greeting');
    expect(stateMachineArns(PREFIX, ['nps-survey', 'birthday-greeting'])).toEqual({
      'nps-survey': `${PREFIX}rapport-nps-survey`,
      'birthday-greeting': `${PREFIX}rapport-birthday-greeting`,
    });
  });

  it('in a stage are <stage>-rapport-<journey id>, found by a prefix that ends with <stage>-', () => {
    expect(stateMachineName('nps-survey', 'dev-')).toBe('dev-rapport-nps-survey');
    expect(stateMachineArns(`${PREFIX}dev-`, ['nps-survey'])).toEqual({
      'nps-survey': `${PREFIX}dev-rapport-nps-survey`,
    });
    const schema = z.object({ STATE_MACHINE_ARN_PREFIX: StateMachineArnPrefix });
    expect(readEnv(schema, { STATE_MACHINE_ARN_PREFIX: `${PREFIX}prod2-` })).toBeDefined();
    for (const bad of ['Dev-', 'dev', 'dev-rapport-', 'abcdefghijk-'])
      expect(() => readEnv(schema, { STATE_MACHINE_ARN_PREFIX: `${PREFIX}${bad}` })).toThrow(
        /STATE_MACHINE_ARN_PREFIX/,
      );
  });

  it('a handler refuses at cold start a prefix that is not a state machine ARN without its name', () => {
    const schema = z.object({ STATE_MACHINE_ARN_PREFIX: StateMachineArnPrefix });
    expect(readEnv(schema, { STATE_MACHINE_ARN_PREFIX: PREFIX })).toEqual({
      STATE_MACHINE_ARN_PREFIX: PREFIX,
    });
    expect(
      readEnv(schema, {
        STATE_MACHINE_ARN_PREFIX: 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:',
      }),
    ).toBeDefined();
    for (const bad of [
      undefined,
      '',
      `${PREFIX}rapport-nps-survey`,
      'arn:aws:states:eu-west-1:123:stateMachine:',
      '{"a":"b"}',
    ])
      expect(() => readEnv(schema, { STATE_MACHINE_ARN_PREFIX: bad })).toThrow(/STATE_MACHINE_ARN_PREFIX/);
  });
});
