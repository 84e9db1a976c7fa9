import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { randomUUID } from 'node:crypto';
import type { LoadedJourney } from '../domain/config/load';
import { WAIT_FOR_CALLBACK_RESOURCE } from '../domain/journey/compile';
import type { Activity } from './activity';
import './promise-with-resolvers';
import { containRequests, listenOn } from './serve-safely';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda';

const TOKEN_PLACEHOLDER = 'local-task-token';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface LocalExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  /** Names of the states entered, in order: enough for tests and for the ops console's timeline. */
  statesEntered: { name: string; at: Date }[];
  done: Promise<void>;
  abort: () => void;
}

/** A Task resource (after substitution) and the local function that plays it. */
export type TaskHandlers = Record<string, (input: unknown) => Promise<unknown>>;

export class StepFunctionsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

interface Deployed {
  arn: string;
  name: string;
  /** The ASL text exactly as compiled (before substitution): the same string CDK deploys. */
  definition: string;
  /** After substitution, as DescribeStateMachine shows it on AWS. */
  deployedDefinition: string;
  machine: StateMachine;
  taskStates: Record<string, (input: unknown) => Promise<unknown>>;
  createdAt: Date;
}

export function localStateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

/** `${Name}` definition substitutions, as CloudFormation's DefinitionSubstitutions applies them. */
export function substitute(definition: string, substitutions: Record<string, string>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => substitutions[name] ?? whole);
}

/**
 * Step Functions on this machine: the compiled journeys run in aws-local-stepfunctions, and a small
 * server speaks the Step Functions JSON protocol, so handlers use the real @aws-sdk/client-sfn against it.
 * Executions live in memory: a restart of `npm start` ends the ones in flight.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, Deployed>();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly callbacks = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; deadline: number; executionArn: string }
  >();
  private server: Server | undefined;

  constructor(private readonly activity: Activity) {}

  deploy(
    journeys: readonly LoadedJourney[],
    substitutions: Record<string, string>,
    tasks: TaskHandlers,
    now: () => Date,
  ): void {
    for (const { journey, asl } of journeys) {
      const name = `rapport-${journey.id}`;
      const deployedDefinition = substitute(asl, substitutions);
      const definition = JSON.parse(deployedDefinition) as StateMachineDefinition;
      const taskStates: Deployed['taskStates'] = {};
      for (const [stateName, state] of Object.entries(definition.States)) {
        if (state.Type !== 'Task') continue;
        if (state.Resource === WAIT_FOR_CALLBACK_RESOURCE) {
          taskStates[stateName] = this.callbackTask(journey.id, stateName, state, tasks);
          continue;
        }
        const task = tasks[state.Resource];
        if (!task)
          throw new Error(
            `journey ${journey.id}: state "${stateName}" uses ${state.Resource}, which the local runtime does not provide`,
          );
        taskStates[stateName] = (input) => this.activity.track(() => task(input));
      }
      const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
      this.machines.set(localStateMachineArn(name), {
        arn: localStateMachineArn(name),
        name,
        definition: asl,
        deployedDefinition,
        machine,
        taskStates,
        createdAt: now(),
      });
    }
  }

  get stateMachines(): readonly Pick<Deployed, 'arn' | 'name' | 'definition'>[] {
    return [...this.machines.values()];
  }

  startExecution(
    stateMachineArn: string,
    name: string | undefined,
    input: string | undefined,
  ): LocalExecution {
    const sm = this.machines.get(stateMachineArn);
    if (!sm)
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    const execName = name ?? crypto.randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(execName))
      throw new StepFunctionsError('InvalidName', `Invalid Name: '${execName}'`);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${execName}`;
    const inputText = input ?? '{}';
    const existing = this.executions.get(executionArn);
    if (existing) {
      // As on AWS: the same name and input while running is the same execution; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputText);
    } catch {
      throw new StepFunctionsError('InvalidExecutionInput', 'Invalid execution input: not JSON');
    }
    const startDate = new Date();
    const run = sm.machine.run(parsed as never, {
      overrides: { taskResourceLocalHandlers: sm.taskStates as never },
      context: {
        Execution: { Id: executionArn, Name: execName, StartTime: startDate.toISOString() },
        StateMachine: { Id: stateMachineArn, Name: sm.name },
        // aws-local-stepfunctions has no task tokens; callbackTask swaps this placeholder for a real one.
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    const execution: LocalExecution = {
      executionArn,
      stateMachineArn,
      name: execName,
      status: 'RUNNING',
      input: inputText,
      startDate,
      statesEntered: [],
      abort: run.abort,
      done: Promise.resolve(),
    };
    execution.done = (async () => {
      const log = (async () => {
        for await (const event of run.eventLogs) {
          if (event.type === 'StateEntered')
            execution.statesEntered.push({ name: event.state.name, at: new Date(event.timestamp) });
        }
      })();
      try {
        execution.output = JSON.stringify(await run.result);
        execution.status = 'SUCCEEDED';
      } catch (e) {
        const err = e as Error & { cause?: Error & { cause?: unknown } };
        execution.status =
          err.name === 'ExecutionAbortedError'
            ? 'ABORTED'
            : err.name === 'ExecutionTimeoutError'
              ? 'TIMED_OUT'
              : 'FAILED';
        execution.error = err.cause?.name ?? err.name;
        execution.cause = err.cause?.message ?? err.message;
      }
      execution.stopDate = new Date();
      await log.catch(() => undefined);
    })();
    this.executions.set(executionArn, execution);
    return execution;
  }

  /**
   * The `.waitForTaskToken` pattern, which aws-local-stepfunctions runs as a plain Task: invoke the
   * function with a fresh token, then wait — outside the activity count, so virtual time can pass — until
   * SendTaskSuccess or SendTaskFailure with that token. The state's TimeoutSeconds still applies.
   */
  private callbackTask(
    journeyId: string,
    stateName: string,
    state: { Parameters?: unknown; TimeoutSeconds?: number },
    tasks: TaskHandlers,
  ) {
    const params = state.Parameters as { FunctionName?: string } | undefined;
    const fn = params?.FunctionName ? tasks[params.FunctionName] : undefined;
    if (!fn)
      throw new Error(
        `journey ${journeyId}: state "${stateName}" calls ${String(params?.FunctionName)}, which the local runtime does not provide`,
      );
    return async (input: unknown) => {
      const { Payload } = input as { Payload: Record<string, unknown> };
      const token = `${randomUUID()}.${stateName}`;
      const waiting = new Promise<unknown>((resolve, reject) => {
        this.callbacks.set(token, {
          resolve,
          reject,
          deadline: state.TimeoutSeconds ? Date.now() + state.TimeoutSeconds * 1000 : Infinity,
          executionArn: String(Payload.executionId ?? ''),
        });
      });
      await this.activity.track(() => fn({ ...Payload, taskToken: token }));
      return waiting;
    };
  }

  /** SendTaskSuccess / SendTaskFailure, with AWS's answers for a token whose wait is over. */
  completeTask(token: string, outcome: { output: unknown } | { error: string; cause: string }): void {
    const pending = this.callbacks.get(token);
    if (!pending) throw new StepFunctionsError('TaskDoesNotExist', 'Task Does Not Exist');
    this.callbacks.delete(token);
    const execution = this.executions.get(pending.executionArn);
    if (Date.now() > pending.deadline) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out');
    if (execution && execution.status !== 'RUNNING')
      throw new StepFunctionsError('TaskDoesNotExist', 'Task Does Not Exist');
    if ('output' in outcome) pending.resolve(outcome.output);
    else pending.reject(Object.assign(new Error(outcome.cause), { name: outcome.error }));
  }

  describeExecution(executionArn: string): LocalExecution {
    const ex = this.executions.get(executionArn);
    if (!ex)
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return ex;
  }

  listExecutions(stateMachineArn?: string, status?: ExecutionStatus): LocalExecution[] {
    return [...this.executions.values()]
      .filter(
        (e) =>
          (!stateMachineArn || e.stateMachineArn === stateMachineArn) && (!status || e.status === status),
      )
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  /** Resolves once every execution started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  stopAll(): void {
    for (const e of this.executions.values()) if (e.status === 'RUNNING') e.abort();
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer(
      containRequests(
        (req, res) => this.activity.track(() => this.serve(req, res)),
        'the local Step Functions',
      ),
    );
    return listenOn(this.server, port, host, 'Step Functions');
  }

  async close(): Promise<void> {
    this.stopAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The subset of the Step Functions API that Rapport and its tests use, in the AWS JSON 1.0 protocol. */
  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    try {
      const body = jsonObject(Buffer.concat(chunks).toString('utf8') || '{}', 'SerializationException');
      const epoch = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);
      const describe = (e: LocalExecution) => ({
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
      });
      switch (target) {
        case 'StartExecution': {
          const e = this.startExecution(
            String(body.stateMachineArn),
            body.name as string | undefined,
            body.input as string | undefined,
          );
          return send(200, { executionArn: e.executionArn, startDate: epoch(e.startDate) });
        }
        case 'DescribeExecution':
          return send(200, describe(this.describeExecution(String(body.executionArn))));
        case 'ListExecutions':
          return send(200, {
            executions: this.listExecutions(
              body.stateMachineArn as string | undefined,
              body.statusFilter as ExecutionStatus | undefined,
            ).map((e) => {
              const { input: _i, output: _o, error: _e, cause: _c, ...summary } = describe(e);
              return summary;
            }),
          });
        case 'ListStateMachines':
          return send(200, {
            stateMachines: [...this.machines.values()].map((m) => ({
              stateMachineArn: m.arn,
              name: m.name,
              type: 'STANDARD',
              creationDate: epoch(m.createdAt),
            })),
          });
        case 'DescribeStateMachine': {
          const m = this.machines.get(String(body.stateMachineArn));
          if (!m)
            throw new StepFunctionsError(
              'StateMachineDoesNotExist',
              `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`,
            );
          return send(200, {
            stateMachineArn: m.arn,
            name: m.name,
            status: 'ACTIVE',
            definition: m.deployedDefinition,
            type: 'STANDARD',
            creationDate: epoch(m.createdAt),
            roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local`,
          });
        }
        case 'SendTaskSuccess':
          this.completeTask(String(body.taskToken), {
            output: parseJson(String(body.output ?? 'null'), 'InvalidOutput'),
          });
          return send(200, {});
        case 'SendTaskFailure':
          this.completeTask(String(body.taskToken), {
            error: String(body.error ?? 'TaskFailed'),
            cause: String(body.cause ?? ''),
          });
          return send(200, {});
        case 'StopExecution': {
          const e = this.describeExecution(String(body.executionArn));
          e.abort();
          await e.done;
          return send(200, { stopDate: epoch(e.stopDate) });
        }
        default:
          throw new StepFunctionsError(
            'UnknownOperationException',
            `the local runtime does not implement ${target || '(no X-Amz-Target)'}`,
          );
      }
    } catch (e) {
      if (e instanceof StepFunctionsError) return send(e.status, { __type: e.code, message: e.message });
      return send(500, { __type: 'InternalServerError', message: (e as Error).message });
    }
  }
}

/** A request's JSON object, or the 400 Step Functions answers for anything else. */
function jsonObject(text: string, code: string): Record<string, unknown> {
  const value = parseJson(text, code);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new StepFunctionsError(code, 'expected a JSON object');
  return value as Record<string, unknown>;
}

function parseJson(text: string, code: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StepFunctionsError(code, 'expected valid JSON');
  }
}
