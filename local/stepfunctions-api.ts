import type { LocalExecution, LocalStepFunctions, ExecutionStatus } from './stepfunctions';
import { AwsJsonError } from './aws-json-server';
import { LOCAL_ACCOUNT } from './lambda';

const epoch = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

function describe(e: LocalExecution) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epoch(e.startDate),
    stopDate: epoch(e.stopDate),
    input: e.input,
    output: e.output,
    error: e.error,
    cause: e.cause,
  };
}

function parseOutput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsJsonError('InvalidOutput', 'expected valid JSON');
  }
}

/** The subset of the Step Functions API that Rapport and its tests use, in the AWS JSON 1.0 protocol. */
export function stepFunctionsOperations(sfn: LocalStepFunctions): Record<string, (input: never) => unknown> {
  const op = <T>(fn: (input: T) => unknown) => fn as (input: never) => unknown;
  return {
    'AWSStepFunctions.StartExecution': op(
      async (body: { stateMachineArn?: string; name?: string; input?: string }) => {
        const e = await sfn.startExecution(String(body.stateMachineArn), body.name, body.input);
        return { executionArn: e.executionArn, startDate: epoch(e.startDate) };
      },
    ),
    'AWSStepFunctions.DescribeExecution': op((body: { executionArn?: string }) =>
      describe(sfn.describeExecution(String(body.executionArn))),
    ),
    'AWSStepFunctions.ListExecutions': op(
      (body: { stateMachineArn?: string; statusFilter?: ExecutionStatus }) => ({
        executions: sfn.listExecutions(body.stateMachineArn, body.statusFilter).map((e) => {
          const { input: _i, output: _o, error: _e, cause: _c, ...summary } = describe(e);
          return summary;
        }),
      }),
    ),
    'AWSStepFunctions.ListStateMachines': op(() => ({
      stateMachines: sfn.stateMachines.map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: 'STANDARD',
        creationDate: epoch(m.createdAt),
      })),
    })),
    'AWSStepFunctions.DescribeStateMachine': op((body: { stateMachineArn?: string }) => {
      const arn = String(body.stateMachineArn);
      const m = sfn.stateMachines.find((s) => s.arn === arn);
      if (!m) throw new AwsJsonError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      return {
        stateMachineArn: m.arn,
        name: m.name,
        status: 'ACTIVE',
        definition: sfn.deployedDefinition(arn),
        type: 'STANDARD',
        creationDate: epoch(m.createdAt),
        roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local`,
      };
    }),
    'AWSStepFunctions.SendTaskSuccess': op((body: { taskToken?: string; output?: string }) => {
      sfn.completeTask(String(body.taskToken), { output: parseOutput(String(body.output ?? 'null')) });
      return {};
    }),
    'AWSStepFunctions.SendTaskFailure': op((body: { taskToken?: string; error?: string; cause?: string }) => {
      sfn.completeTask(String(body.taskToken), {
        error: String(body.error ?? 'TaskFailed'),
        cause: String(body.cause ?? ''),
      });
      return {};
    }),
    'AWSStepFunctions.StopExecution': op(async (body: { executionArn?: string }) => {
      const e = await sfn.stopExecution(String(body.executionArn));
      return { stopDate: epoch(e.stopDate) };
    }),
  };
}
