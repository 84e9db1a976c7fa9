import {
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { JourneyStarter } from '../../domain/ports';

/**
 * Starts journey executions by deterministic name. Step Functions itself is the dedupe: the same name
 * with the same input returns the running execution, and a finished one answers ExecutionAlreadyExists.
 */
export function createJourneyStarter(
  sfn: SFNClient,
  stateMachineArns: Record<string, string>,
): JourneyStarter {
  return {
    async start({ journeyId, executionName, input }) {
      const stateMachineArn = stateMachineArnOf(stateMachineArns, journeyId);
      try {
        const out = await sfn.send(
          new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
        );
        return { executionArn: out.executionArn ?? '', alreadyStarted: false };
      } catch (e) {
        if (e instanceof ExecutionAlreadyExists || (e as Error).name === 'ExecutionAlreadyExists') {
          return { executionArn: executionArnFor(stateMachineArn, executionName), alreadyStarted: true };
        }
        throw e;
      }
    },
    async resume(taskToken, output) {
      try {
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
        return 'resumed';
      } catch (e) {
        // The wait timed out, or its execution ended (a goal, a stop): nothing is waiting any more.
        if (['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes((e as Error).name)) return 'gone';
        throw e;
      }
    },
    async stop(executionArn, { error, cause }) {
      try {
        await sfn.send(new StopExecutionCommand({ executionArn, error, cause }));
      } catch (e) {
        // Nothing to stop: it finished, or never started.
        if ((e as Error).name !== 'ExecutionDoesNotExist') throw e;
      }
    },
  };
}

/** The state machine a journey is deployed as; a journey with none is a deployment error. */
export function stateMachineArnOf(stateMachineArns: Record<string, string>, journeyId: string): string {
  const arn = stateMachineArns[journeyId];
  if (!arn) throw new Error(`no state machine is deployed for journey "${journeyId}"`);
  return arn;
}

export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}
