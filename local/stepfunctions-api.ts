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
    'AWSStepFunctions.DescribeStateMachine': op((body: { stateMachineArn?: string }) =>
      describeStateMachine(sfn, String(body.stateMachineArn)),
    ),
    'AWSStepFunctions.GetExecutionHistory': op((body: { executionArn?: string }) =>
      executionHistory(sfn, sfn.describeExecution(String(body.executionArn))),
    ),
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

function describeStateMachine(sfn: LocalStepFunctions, arn: string) {
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
}

type StateList = Record<
  string,
  {
    Type?: string;
    Branches?: { States: StateList }[];
    ItemProcessor?: { States: StateList };
    Iterator?: { States: StateList };
  }
>;

/** A state's type by name, nested states included: AWS names each StateEntered event after it. */
function stateType(states: StateList, name: string): string | undefined {
  for (const [n, state] of Object.entries(states)) {
    if (n === name) return state.Type;
    const inner = [...(state.Branches ?? []), state.ItemProcessor ?? state.Iterator ?? { States: {} }];
    for (const b of inner) {
      const found = stateType(b.States, name);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * GetExecutionHistory as far as the local run records it: the start and each state entered, at its
 * instant, in one page. The states' inputs are left out (AWS gives them; nothing here reads them).
 */
function executionHistory(sfn: LocalStepFunctions, e: LocalExecution) {
  const { States = {} } = JSON.parse(sfn.deployedDefinition(e.stateMachineArn) ?? '{}') as {
    States?: StateList;
  };
  const entered = e.statesEntered.map((s, i) => ({
    id: i + 2,
    previousEventId: i + 1,
    timestamp: epoch(s.at),
    type: `${stateType(States, s.name) ?? 'Pass'}StateEntered`,
    stateEnteredEventDetails: { name: s.name },
  }));
  return {
    events: [
      { id: 1, previousEventId: 0, timestamp: epoch(e.startDate), type: 'ExecutionStarted' },
      ...entered,
    ],
  };
}
