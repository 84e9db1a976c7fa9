import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LoadedJourney } from '../domain/config/load';
import { stateMachineName } from '../domain/journey/state-machine-name';
import type { Activity } from './activity';
import type { InProcessTransport } from './in-process-transport';
import { AwsJsonError, AwsJsonServer } from './aws-json-server';
import type { Checkpoint, Journal, ExecutionRecord, ExecutionStatus } from './execution-journal';
import { ExecutionRunner, type LocalExecution, type TaskHandlers } from './execution-runner';
import './jsonpath-scalars';
import './promise-with-resolvers';
import { resumedDefinition } from './resume-definition';
import { buildVersion, localStateMachineArn, type Version } from './state-machine-versions';
import { stepFunctionsOperations } from './stepfunctions-api';
import { TaskTokens } from './task-tokens';

export type { ExecutionStatus } from './execution-journal';
export type { LocalExecution, TaskHandlers } from './execution-runner';
export { localStateMachineArn, localStateMachineArns, substitute } from './state-machine-versions';

interface Deployed {
  arn: string;
  name: string;
  hash: string;
  createdAt: Date;
}

/** What start-up found in the journal. */
export interface ResumeReport {
  /** Executions that were running at the last stop or crash, now running again. */
  resumed: { executionArn: string; checkpoint?: Checkpoint }[];
  /** Executions whose version's ASL was missing from the journal: marked failed, with the reason. */
  failed: { executionArn: string; error: string }[];
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
  private readonly tokens = new TaskTokens();
  private tasks: TaskHandlers = {};
  private substitutions: Record<string, string> = {};
  private readonly server: AwsJsonServer;
  private readonly runner: ExecutionRunner;
  private readonly endListeners: ((execution: LocalExecution) => void)[] = [];

  constructor(
    private readonly activity: Activity,
    private readonly journal: Journal,
    private readonly now: () => Date,
    options: {
      /**
       * Told of each execution when it ends. With `forget`, an ended execution is then dropped from memory
       * (Describe and List no longer answer for it; the journal still refuses its name): a simulation of
       * a population must not hold every execution it ran.
       */
      onEnded?: (execution: LocalExecution) => void;
      forget?: boolean;
    } = {},
  ) {
    const onEnded = (e: LocalExecution) => {
      options.onEnded?.(e);
      for (const listener of this.endListeners) listener(e);
      if (options.forget) this.executions.delete(e.executionArn);
    };
    this.runner = new ExecutionRunner(activity, journal, this.tokens, now, () => this.tasks, onEnded);
    this.server = new AwsJsonServer(
      activity,
      '1.0',
      stepFunctionsOperations(this),
      'the local Step Functions',
    );
  }

  /** Tells `listener` of each execution that ends from now on, as Step Functions tells EventBridge. */
  onExecutionEnded(listener: (execution: LocalExecution) => void): void {
    this.endListeners.push(listener);
  }

  deploy(
    journeys: readonly LoadedJourney[],
    substitutions: Record<string, string>,
    tasks: TaskHandlers,
  ): void {
    this.tasks = tasks;
    this.substitutions = substitutions;
    for (const { journey, asl } of journeys) {
      const name = stateMachineName(journey.id);
      const version = buildVersion(name, asl, { tasks, substitutions, validate: true });
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
    this.runner.launch(execution, version, version, parsed, {});
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
    this.runner.follow(execution);
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
      await this.journal.finished(this.runner.endOf(execution));
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
        this.runner.awaitToken(execution, state, input, checkpoint.token, checkpoint.deadline);
    }
    this.runner.launch(execution, version, { machine, definition }, resumed.input, extra);
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
      const version = buildVersion(record.stateMachineArn.split(':').pop() ?? '', asl, {
        tasks: this.tasks,
        substitutions: this.substitutions,
        validate: false,
      });
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

  /** What the runtime's own SDK client sends its requests through (no socket). */
  get transport(): InProcessTransport {
    return this.server.transport;
  }

  listen(port: number, host = '127.0.0.1'): Promise<string> {
    return this.server.listen(port, host);
  }

  /** Ends the runs in this process only: the journal still has them running, so a restart resumes them. */
  async close(): Promise<void> {
    this.runner.closing = true;
    for (const e of this.executions.values()) if (e.status === 'RUNNING') e.abort();
    await this.server.close();
  }
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
