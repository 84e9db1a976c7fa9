import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { PacingContentionError, SendDeferredError, VersionConflictError } from '../../domain/errors';
import { compileJourneyToString } from '../../domain/journey/compile';
import { localLambdaArn } from '../../local/lambda';
// Also installs the Promise.withResolvers polyfill aws-local-stepfunctions needs on Node 20.
import { substitute } from '../../local/stepfunctions';
import { testJourney } from '../support/journeys';

const SEND = localLambdaArn('send');
const STEP = localLambdaArn('step');

const journey = testJourney({
  id: 'retried',
  description: 'A send, then an update',
  entry: { event: 'purchase' },
  // The update comes after the send: one before it would be folded into the send's Task (see fusion.ts).
  steps: [
    { id: 'hello', type: 'send', channel: 'email', template: 't', category: 'transactional' },
    { id: 'remember', type: 'update', addTags: ['seen'] },
  ],
});

/** A task that throws `error` on its first `failures` calls, then answers `result`. */
function flaky(failures: number, error: () => Error, result: unknown) {
  const calls = { count: 0 };
  const run = async () => {
    if (calls.count++ < failures) throw error();
    return result;
  };
  return { run, calls };
}

/** Runs the compiled journey in aws-local-stepfunctions with local tasks, and no wait between retries. */
async function execute(tasks: Record<string, (input: unknown) => Promise<unknown>>) {
  const definition = JSON.parse(
    substitute(compileJourneyToString(journey), {
      SendMessageFunctionArn: SEND,
      JourneyStepFunctionArn: STEP,
    }),
  ) as StateMachineDefinition;
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  const taskStates = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
  const run = machine.run({ customerId: 'c-1' } as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        taskStates.map(([name, s]) => [name, tasks[(s as { Resource: string }).Resource]!]),
      ) as never,
      retryIntervalOverrides: Object.fromEntries(taskStates.map(([name]) => [name, 0])),
    },
    context: { Execution: { Id: 'arn:execution:retried:1' } },
  });
  return run.result;
}

describe('errors domain/errors.ts documents as retried, thrown by a local task', () => {
  it('VersionConflictError from journey-step and PacingContentionError from send-message are retried; the journey succeeds', async () => {
    const step = flaky(1, () => new VersionConflictError('customer c-1 kept changing'), { updated: true });
    const send = flaky(1, () => new PacingContentionError('the frequency-cap record kept changing'), {
      status: 'sent',
      until: null,
    });
    const output = (await execute({ [STEP]: step.run, [SEND]: send.run })) as { sends: unknown };
    expect(output.sends).toEqual({ hello: { status: 'sent' } });
    expect({ step: step.calls.count, send: send.calls.count }).toEqual({ step: 2, send: 2 });
  });

  it('SendDeferredError is caught, not retried: the send waits for the time its record holds, then runs again', async () => {
    // Already past: the Wait ends at once.
    const until = '2026-01-01T09:00:00.000Z';
    const actions: string[] = [];
    const step = async (input: unknown) => {
      const { action } = input as { action: string };
      actions.push(action);
      return action === 'deferred'
        ? { status: 'deferred', until, reason: 'quiet-hours-deferred' }
        : { updated: true };
    };
    const send = flaky(1, () => new SendDeferredError('quiet-hours-deferred', until), {
      status: 'sent',
      until: null,
    });
    const output = (await execute({ [STEP]: step, [SEND]: send.run })) as { sends: unknown };
    expect(output.sends).toEqual({ hello: { status: 'sent' } });
    expect(actions).toEqual(['deferred', 'update']);
    expect(send.calls.count).toBe(2);
  });
});
