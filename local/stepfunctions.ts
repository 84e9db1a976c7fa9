import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { LoadedJourney } from '../domain/config/load';
import { WAIT_FOR_CALLBACK_RESOURCE } from '../domain/journey/compile';
import type { Activity } from './activity';
import { AwsJsonError, AwsJsonServer } from './aws-json-server';
import {
  definitionHash,
  type Checkpoint,
  type ExecutionJournal,
  type ExecutionRecord,
  type ExecutionStatus,
} from './execution-journal';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda';
import './promise-with-resolvers';
import { resumedDefinition, waitDueAt } from './resume-definition';
import { stepFunctionsOperations } from './stepfunctions-api';
import { TaskTokens } from './task-tokens';

export type { ExecutionStatus } from './execution-journal';

const TOKEN_PLACEHOLDER = 'local-task-token';

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
  /** Where it waits now (kept in the journal): what a restart resumes it from. */
  checkpoint?: Checkpoint;
  done: Promise<void>;
  abort: () => void;
}

/** A Task resource (after substitution) and the local function that plays it. */
export type TaskHandlers = Record<string, (input: unknown) => Promise<unknown>>;

/** One ASL version of a journey, as compiled and as deployed (after substitution). */
interface Version {
  hash: string;
  stateMachineName: string;
  /** The ASL text exactly as compiled (before substitution): the same string CDK deploys. */
  asl: string;
  /** After substitution, as DescribeStateMachine shows it on AWS. */
  deployedDefinition: string;
  definition: StateMachineDefinition;
  /** Built (and validated) once, for executions that start at the top. */
  machine: StateMachine;
}

interface Deployed {
  arn: string;
  name: string;
  hash: string;
  createdAt: Date;
}

/** What the journal has not been told yet, and what the callback task needs from the log. */
interface Progress {
  lastEntered?: { name: string; input: unknown; at: Date };
  writes: Promise<void>;
}

/** What start-up found in the journal. */
export interface ResumeReport {
  /** Executions that were running at the last stop or crash, now running again. */
  resumed: { executionArn: string; checkpoint?: Checkpoint }[];
  /** Executions whose version's ASL was missing from the journal: marked failed, with the reason. */
  failed: { executionArn: string; error: string }[];
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
 * Executions are durable, as Standard workflows are on AWS: each is recorded in the journal before its
 * start is answered, checkpointed where it waits, and resumed after a restart or a crash (see resume).
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, Deployed>();
  private readonly versions = new Map<string, Version>();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly progress = new Map<string, Progress>();
  private readonly tokens = new TaskTokens();
  private tasks: TaskHandlers = {};
  private substitutions: Record<string, string> = {};
  /** Set on close: executions ended by the shutdown are not ended in the journal, so they resume. */
  private closing = false;
  private readonly server: AwsJsonServer;

  constructor(
    private readonly activity: Activity,
    private readonly journal: ExecutionJournal,
    private readonly now: () => Date,
  ) {
    this.server = new AwsJsonServer(
      activity,
      '1.0',
      stepFunctionsOperations(this),
      'the local Step Functions',
    );
  }

  deploy(
    journeys: readonly LoadedJourney[],
    substitutions: Record<string, string>,
    tasks: TaskHandlers,
  ): void {
    this.tasks = tasks;
    this.substitutions = substitutions;
    for (const { journey, asl } of journeys) {
      const name = `rapport-${journey.id}`;
      const version = this.version(name, asl, true);
      this.versions.set(version.hash, version);
      this.machines.set(localStateMachineArn(name), {
        arn: localStateMachineArn(name),
        name,
        hash: version.hash,
        createdAt: this.now(),
      });
    }
  }

  get stateMachines(): readonly { arn: string; name: string; definition: string; createdAt: Date }[] {
    return [...this.machines.values()].map((m) => ({ ...m, definition: this.versionOf(m).asl }));
  }

  /** The deployed definition of a state machine, as DescribeStateMachine answers it. */
  deployedDefinition(stateMachineArn: string): string | undefined {
    const m = this.machines.get(stateMachineArn);
    return m && this.versionOf(m).deployedDefinition;
  }

  /** Builds a version; `validate` for a deployment (the build checks every task has a local function). */
  private version(stateMachineName: string, asl: string, validate: boolean): Version {
    const deployedDefinition = substitute(asl, this.substitutions);
    const definition = JSON.parse(deployedDefinition) as StateMachineDefinition;
    for (const [stateName, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task') continue;
      const resource =
        state.Resource === WAIT_FOR_CALLBACK_RESOURCE
          ? (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName
          : state.Resource;
      if (!resource || !this.tasks[resource])
        throw new Error(
          `${stateMachineName}: state "${stateName}" uses ${String(resource)}, which the local runtime does not provide`,
        );
    }
    const machine = validate
      ? validatedMachine(deployedDefinition, definition)
      : new StateMachine(definition, { validationOptions: { noValidate: true } });
    return { hash: definitionHash(asl), stateMachineName, asl, deployedDefinition, definition, machine };
  }

  private versionOf(m: Deployed): Version {
    const version = this.versions.get(m.hash);
    if (!version) throw new Error(`${m.name}: version ${m.hash} is not loaded`);
    return version;
  }

  async startExecution(stateMachineArn: string, name: string | undefined, input: string | undefined) {
    const sm = this.machines.get(stateMachineArn);
    if (!sm)
      throw new AwsJsonError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    const execName = name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(execName))
      throw new AwsJsonError('InvalidName', `Invalid Name: '${execName}'`);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${execName}`;
    const inputText = input ?? '{}';
    const existing = this.executions.get(executionArn);
    if (existing) {
      // As on AWS: the same name and input while running is the same execution; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new AwsJsonError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const parsed = parseInput(inputText);
    const version = this.versionOf(sm);
    const execution = this.newExecution(executionArn, stateMachineArn, execName, inputText, this.now());
    // Recorded before the start is answered: an answered start survives a crash of this process.
    try {
      await this.journal.keepDefinition(version.hash, version.asl);
      if (!(await this.journal.started(this.recordOf(execution, version.hash))))
        throw new AwsJsonError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    } catch (e) {
      this.executions.delete(executionArn);
      if (e instanceof AwsJsonError) throw e;
      throw new AwsJsonError('InternalServerError', 'the local journal could not record the start', {}, 500);
    }
    this.launch(execution, version, version, parsed, {});
    return execution;
  }

  private newExecution(arn: string, smArn: string, name: string, input: string, start: Date): LocalExecution {
    const execution: LocalExecution = {
      executionArn: arn,
      stateMachineArn: smArn,
      name,
      status: 'RUNNING',
      input,
      startDate: start,
      statesEntered: [],
      done: Promise.resolve(),
      abort: () => undefined,
    };
    this.executions.set(arn, execution);
    this.progress.set(arn, { writes: Promise.resolve() });
    return execution;
  }

  private recordOf(e: LocalExecution, hash: string): ExecutionRecord {
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      definitionHash: hash,
      input: e.input,
      status: e.status,
      startDate: e.startDate.toISOString(),
      statesEntered: [],
    };
  }

  /** Runs `machine` for `execution`, logging its states and checkpointing where it waits. */
  private launch(
    execution: LocalExecution,
    version: Version,
    run: { machine: StateMachine; definition: StateMachineDefinition },
    input: unknown,
    extraTasks: TaskHandlers,
  ): void {
    const sm = this.machines.get(execution.stateMachineArn);
    const { machine, definition } = run;
    const running = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: { ...this.taskStates(execution, version), ...extraTasks } as never,
      },
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: execution.name,
          StartTime: execution.startDate.toISOString(),
        },
        StateMachine: { Id: execution.stateMachineArn, Name: sm?.name ?? version.stateMachineName },
        // aws-local-stepfunctions has no task tokens; the callback task swaps this placeholder for a real one.
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    execution.abort = running.abort;
    execution.done = (async () => {
      const log = (async () => {
        for await (const event of running.eventLogs)
          if (event.type === 'StateEntered')
            this.entered(
              execution,
              definition,
              event.state.name,
              event.state.input,
              new Date(event.timestamp),
            );
      })();
      await this.settle(execution, running.result);
      await log.catch(() => undefined);
      const progress = this.progress.get(execution.executionArn);
      if (!this.closing) this.write(execution, () => this.journal.finished(this.endOf(execution)));
      await progress?.writes;
    })();
  }

  private async settle(execution: LocalExecution, result: Promise<unknown>): Promise<void> {
    try {
      execution.output = JSON.stringify(await result);
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
    execution.stopDate = this.now();
  }

  private endOf(e: LocalExecution) {
    return {
      executionArn: e.executionArn,
      status: e.status,
      stopDate: e.stopDate?.toISOString(),
      output: e.output,
      error: e.error,
      cause: e.cause,
      statesEntered: e.statesEntered.map(({ name, at }) => ({ name, at: at.toISOString() })),
    };
  }

  /** Journal writes of one execution, in order; a failed one is reported and the next goes on. */
  private write(execution: LocalExecution, write: () => Promise<void>): Promise<void> {
    const progress = this.progress.get(execution.executionArn);
    if (!progress) return Promise.resolve();
    const next = progress.writes.then(write).catch((e: unknown) => {
      if (!this.closing)
        console.error(`local Step Functions: the journal missed a write for ${execution.name}:`, e);
    });
    progress.writes = next;
    return next;
  }

  /** The log's StateEntered: the timeline, and a checkpoint when the state is a Wait. */
  private entered(
    execution: LocalExecution,
    definition: StateMachineDefinition,
    name: string,
    input: unknown,
    at: Date,
  ) {
    execution.statesEntered.push({ name, at });
    const progress = this.progress.get(execution.executionArn);
    if (progress) progress.lastEntered = { name, input, at };
    const state = definition.States[name];
    if (state?.Type !== 'Wait') return;
    const dueAt = waitDueAt(state, input, at);
    if (dueAt === undefined) return;
    this.checkpoint(execution, { kind: 'wait', state: name, input, enteredAt: at.toISOString(), dueAt });
  }

  private checkpoint(execution: LocalExecution, checkpoint: Checkpoint): Promise<void> {
    execution.checkpoint = checkpoint;
    const states = execution.statesEntered.map(({ name, at }) => ({ name, at: at.toISOString() }));
    return this.write(execution, () => this.journal.checkpoint(execution.executionArn, checkpoint, states));
  }

  /** The local function of every Task state of `version`, for one execution. */
  private taskStates(execution: LocalExecution, version: Version): TaskHandlers {
    const handlers: TaskHandlers = {};
    for (const [stateName, state] of Object.entries(version.definition.States)) {
      if (state.Type !== 'Task') continue;
      if (state.Resource === WAIT_FOR_CALLBACK_RESOURCE) {
        handlers[stateName] = (input) => this.callbackTask(execution, stateName, state, input);
        continue;
      }
      const task = this.tasks[state.Resource];
      if (task) handlers[stateName] = (input) => this.activity.track(() => task(input));
    }
    return handlers;
  }

  /**
   * The `.waitForTaskToken` pattern, which aws-local-stepfunctions runs as a plain Task: a fresh token is
   * checkpointed, then handed to the function, then waited for — outside the activity count, so virtual
   * time can pass — until SendTaskSuccess or SendTaskFailure with it, or the state's timeout.
   */
  private async callbackTask(
    execution: LocalExecution,
    stateName: string,
    state: { Parameters?: unknown; TimeoutSeconds?: number },
    input: unknown,
  ): Promise<unknown> {
    const token = `${randomUUID()}.${stateName}`;
    const deadline = await this.activity.track(async () => {
      // The interpreter logs the state's entry just before it calls this; one turn lets the log catch up.
      await new Promise((resolve) => setImmediate(resolve));
      const entry = this.progress.get(execution.executionArn)?.lastEntered;
      const enteredAt = entry?.name === stateName ? entry.at : this.now();
      const deadline = state.TimeoutSeconds
        ? new Date(enteredAt.getTime() + state.TimeoutSeconds * 1000).toISOString()
        : undefined;
      if (entry?.name === stateName)
        await this.checkpoint(execution, {
          kind: 'callback',
          state: stateName,
          input: entry.input,
          enteredAt: enteredAt.toISOString(),
          token,
          ...(deadline ? { deadline } : {}),
        });
      return deadline;
    });
    return this.awaitToken(execution, state, input, token, deadline);
  }

  /** Registers `token`, hands it to the state's function, and waits for its answer (or its deadline). */
  private awaitToken(
    execution: LocalExecution,
    state: { Parameters?: unknown },
    input: unknown,
    token: string,
    deadline: string | undefined,
  ): Promise<unknown> {
    const fn = this.tasks[String((state.Parameters as { FunctionName?: string }).FunctionName)];
    const { Payload } = input as { Payload: Record<string, unknown> };
    return this.tokens.wait(token, execution.executionArn, deadline, async () => {
      if (fn) await this.activity.track(() => fn({ ...Payload, taskToken: token }));
    });
  }

  completeTask(token: string, outcome: { output: unknown } | { error: string; cause: string }): void {
    this.tokens.complete(token, outcome, (arn) => this.executions.get(arn)?.status === 'RUNNING');
  }

  /**
   * Start-up: reads every execution the journal holds (so Describe and List answer for them as before
   * the restart) and runs again each one that was running, from its last checkpoint, on the ASL version
   * it started with, under the same name and with the same input. The earliest due is resumed first.
   */
  async resume(): Promise<ResumeReport> {
    const report: ResumeReport = { resumed: [], failed: [] };
    const running: ExecutionRecord[] = [];
    for (const record of await this.journal.all()) {
      if (this.executions.has(record.executionArn)) continue;
      const execution = this.newExecution(
        record.executionArn,
        record.stateMachineArn,
        record.name,
        record.input,
        new Date(record.startDate),
      );
      Object.assign(execution, restored(record));
      if (record.status === 'RUNNING') running.push(record);
    }
    running.sort((a, b) => resumeAt(a).localeCompare(resumeAt(b)));
    for (const record of running) {
      const error = await this.resumeOne(record);
      if (error) report.failed.push({ executionArn: record.executionArn, error });
      else report.resumed.push({ executionArn: record.executionArn, checkpoint: record.checkpoint });
    }
    return report;
  }

  private async resumeOne(record: ExecutionRecord): Promise<string | undefined> {
    const execution = this.executions.get(record.executionArn)!;
    const version = await this.loadVersion(record);
    if (typeof version === 'string') {
      Object.assign(execution, { status: 'FAILED', error: 'States.Runtime', cause: version });
      execution.stopDate = this.now();
      await this.journal.finished(this.endOf(execution));
      return version;
    }
    const resumed = resumedDefinition(
      version.definition,
      parseInput(record.input),
      record.checkpoint,
      this.now(),
    );
    const { definition } = resumed;
    const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    const extra: TaskHandlers = {};
    const { checkpoint } = record;
    if (checkpoint?.kind === 'callback') {
      const state = version.definition.States[checkpoint.state] as { Parameters?: unknown };
      extra[resumed.startAt] = (input) =>
        this.awaitToken(execution, state, input, checkpoint.token, checkpoint.deadline);
    }
    this.launch(execution, version, { machine, definition }, resumed.input, extra);
    return undefined;
  }

  /** The version an execution started on: deployed now, or kept in the journal; else why it is gone. */
  private async loadVersion(record: ExecutionRecord): Promise<Version | string> {
    const loaded = this.versions.get(record.definitionHash);
    if (loaded) return loaded;
    const asl = await this.journal.definition(record.definitionHash);
    if (asl === undefined)
      return `the ASL version ${record.definitionHash} it started on is not in the journal`;
    try {
      const version = this.version(record.stateMachineArn.split(':').pop() ?? '', asl, false);
      this.versions.set(version.hash, version);
      return version;
    } catch (e) {
      return `its ASL version ${record.definitionHash} cannot run here: ${(e as Error).message}`;
    }
  }

  describeExecution(executionArn: string): LocalExecution {
    const ex = this.executions.get(executionArn);
    if (!ex) throw new AwsJsonError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
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

  async stopExecution(executionArn: string): Promise<LocalExecution> {
    const e = this.describeExecution(executionArn);
    e.abort();
    await e.done;
    return e;
  }

  /** Resolves once every execution started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  listen(port: number, host = '127.0.0.1'): Promise<string> {
    return this.server.listen(port, host);
  }

  /** Ends the runs in this process only: the journal still has them running, so a restart resumes them. */
  async close(): Promise<void> {
    this.closing = true;
    for (const e of this.executions.values()) if (e.status === 'RUNNING') e.abort();
    await this.server.close();
  }
}

/**
 * Building a state machine validates it (170–340 ms each, most of a runtime's start-up); a machine holds
 * no execution state, so one built for a definition serves every runtime in this process.
 */
const VALIDATED = new Map<string, StateMachine>();

function validatedMachine(text: string, definition: StateMachineDefinition): StateMachine {
  let machine = VALIDATED.get(text);
  if (!machine) {
    machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
    VALIDATED.set(text, machine);
  }
  return machine;
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsJsonError('InvalidExecutionInput', 'Invalid execution input: not JSON');
  }
}

/** A journal record's fields as a LocalExecution holds them. */
function restored(record: ExecutionRecord): Partial<LocalExecution> {
  return {
    status: record.status,
    output: record.output,
    error: record.error,
    cause: record.cause,
    stopDate: record.stopDate ? new Date(record.stopDate) : undefined,
    statesEntered: record.statesEntered.map(({ name, at }) => ({ name, at: new Date(at) })),
    checkpoint: record.checkpoint,
  };
}

function resumeAt(record: ExecutionRecord): string {
  const c = record.checkpoint;
  return c?.kind === 'wait'
    ? c.dueAt
    : c?.kind === 'callback'
      ? (c.deadline ?? c.enteredAt)
      : record.startDate;
}
