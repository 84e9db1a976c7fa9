import {
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { JourneyStarter, StartRequest, WorkQueue } from '../../domain/ports';

/** The three Step Functions calls a journey starter makes; failures keep Step Functions' error names. */
export interface StepFunctionsCalls {
  /** Returns the execution's ARN. */
  startExecution(stateMachineArn: string, name: string, input: string): Promise<string>;
  sendTaskSuccess(taskToken: string, output: string): Promise<void>;
  stopExecution(executionArn: string, error: string, cause: string): Promise<void>;
}

/**
 * Starts journey executions by deterministic name. Step Functions itself is the dedupe: the same name
 * with the same input returns the running execution, and a finished one answers ExecutionAlreadyExists.
 * The same starter serves AWS (over the SDK) and the simulator (the local Step Functions in process).
 */
export function journeyStarterOver(
  calls: StepFunctionsCalls,
  stateMachineArns: Record<string, string>,
): JourneyStarter {
  return {
    executionArn: ({ journeyId, executionName }) =>
      executionArnFor(stateMachineArnOf(stateMachineArns, journeyId), executionName),
    async start({ journeyId, executionName, input }) {
      const stateMachineArn = stateMachineArnOf(stateMachineArns, journeyId);
      try {
        const executionArn = await calls.startExecution(
          stateMachineArn,
          executionName,
          JSON.stringify(input),
        );
        return { executionArn, alreadyStarted: false };
      } catch (e) {
        if ((e as Error).name !== 'ExecutionAlreadyExists') throw e;
        return { executionArn: executionArnFor(stateMachineArn, executionName), alreadyStarted: true };
      }
    },
    async resume(taskToken, output) {
      try {
        await calls.sendTaskSuccess(taskToken, JSON.stringify(output));
        return 'resumed';
      } catch (e) {
        // The wait timed out, or its execution ended (a goal, a stop): nothing is waiting any more.
        if (['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes((e as Error).name)) return 'gone';
        throw e;
      }
    },
    async stop(executionArn, { error, cause }) {
      try {
        await calls.stopExecution(executionArn, error, cause);
      } catch (e) {
        // Nothing to stop: it finished, or never started.
        if ((e as Error).name !== 'ExecutionDoesNotExist') throw e;
      }
    },
  };
}

/** The journey starter on AWS (and `npm start`): Step Functions through the AWS SDK. */
export function createJourneyStarter(
  sfn: SFNClient,
  stateMachineArns: Record<string, string>,
): JourneyStarter {
  return journeyStarterOver(
    {
      startExecution: async (stateMachineArn, name, input) =>
        (await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }))).executionArn ?? '',
      sendTaskSuccess: async (taskToken, output) =>
        void (await sfn.send(new SendTaskSuccessCommand({ taskToken, output }))),
      stopExecution: async (executionArn, error, cause) =>
        void (await sfn.send(new StopExecutionCommand({ executionArn, error, cause }))),
    },
    stateMachineArns,
  );
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

/**
 * The journey starter of the functions that decide starts (ingest-event, sweep, feedback, delivery-events)
 * on AWS: a start is put on the start queue, which start-journey consumes at a bounded rate, so a burst of
 * events or a holiday's whole audience never meets StartExecution's throttle; resuming and stopping stay
 * direct calls (one per event, not bursty, and a stop must not wait behind a backlog of starts).
 */
export function queuedStarter(direct: JourneyStarter, queue: WorkQueue<StartRequest>): JourneyStarter {
  return {
    executionArn: (request) => direct.executionArn(request),
    async start(request) {
      await queue.send([request]);
      return { executionArn: direct.executionArn(request), alreadyStarted: false };
    },
    resume: (taskToken, output) => direct.resume(taskToken, output),
    stop: (executionArn, reason) => direct.stop(executionArn, reason),
  };
}

/** Names and HTTP statuses of a call Step Functions refused for the rate (retry later, from the queue). */
const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'ServiceUnavailable']);

export function isThrottled(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  return THROTTLED.has(e?.name ?? '') || status === 429 || status === 503;
}
