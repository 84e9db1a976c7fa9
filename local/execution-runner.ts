import { randomUUID } from 'node:crypto';
import type { StateMachine, StateMachineDefinition } from 'aws-local-stepfunctions';
import { WAIT_FOR_CALLBACK_RESOURCE } from '../domain/journey/compile';
import type { Activity } from './activity';
import type { Checkpoint, ExecutionRecord, Journal, ExecutionStatus } from './execution-journal';
import { waitDueAt } from './resume-definition';
import type { Version } from './state-machine-versions';
import type { TaskTokens } from './task-tokens';

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

/** A `.waitForTaskToken` Task state, as the callback task reads it. */
type CallbackState = { Parameters?: unknown; TimeoutSeconds?: number };

/** What the journal has not been told yet, and what the callback task needs from the log. */
interface Progress {
  lastEntered?: { name: string; input: unknown; at: Date };
  writes: Promise<void>;
}

/**
 * Runs executions in aws-local-stepfunctions and keeps the journal told: the states each enters, a
 * checkpoint where it waits (a Wait with its due time, a `.waitForTaskToken` with its token and deadline),
 * and how it ended. Writes of one execution are chained, so the journal sees them in order.
 */
export class ExecutionRunner {
  private readonly progress = new Map<string, Progress>();
  private readonly taskCache = new WeakMap<
    Version,
    { tasks: TaskHandlers; plain: TaskHandlers; callbacks: [string, CallbackState][] }
  >();
  /** Set on close: executions ended by the shutdown are not ended in the journal, so they resume. */
  closing = false;

  constructor(
    private readonly activity: Activity,
    private readonly journal: Journal,
    private readonly tokens: TaskTokens,
    private readonly now: () => Date,
    private readonly tasks: () => TaskHandlers,
    /** Told of each execution once it has ended and the journal has been told. */
    private readonly onEnded: (execution: LocalExecution) => void = () => undefined,
  ) {}

  /** Starts following a new (or restored) execution's journal writes. */
  follow(execution: LocalExecution): void {
    this.progress.set(execution.executionArn, { writes: Promise.resolve() });
  }

  /** Runs `machine` for `execution`, logging its states and checkpointing where it waits. */
  launch(
    execution: LocalExecution,
    version: Version,
    run: { machine: StateMachine; definition: StateMachineDefinition },
    input: unknown,
    extraTasks: TaskHandlers,
  ): void {
    const { machine, definition } = run;
    const running = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: Object.assign(this.taskStates(execution, version), extraTasks) as never,
      },
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: execution.name,
          StartTime: execution.startDate.toISOString(),
        },
        StateMachine: { Id: execution.stateMachineArn, Name: version.stateMachineName },
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
      this.progress.delete(execution.executionArn);
      if (!this.closing) this.onEnded(execution);
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

  endOf(e: LocalExecution) {
    return {
      executionArn: e.executionArn,
      status: e.status,
      stopDate: e.stopDate?.toISOString(),
      output: e.output,
      error: e.error,
      cause: e.cause,
      statesEntered: this.statesOf(e),
    };
  }

  /** The timeline as the journal keeps it; nothing for a journal that keeps none (the simulator's). */
  private statesOf(e: LocalExecution): ExecutionRecord['statesEntered'] {
    if (this.journal.keepsProgress === false) return [];
    return e.statesEntered.map(({ name, at }) => ({ name, at: at.toISOString() }));
  }

  /** Journal writes of one execution, in order; a failed one is reported and the next goes on. */
  write(execution: LocalExecution, write: () => Promise<void>): Promise<void> {
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
    if (state?.Type !== 'Wait' || this.journal.keepsProgress === false) return;
    const dueAt = waitDueAt(state, input, at);
    if (dueAt === undefined) return;
    this.checkpoint(execution, { kind: 'wait', state: name, input, enteredAt: at.toISOString(), dueAt });
  }

  private checkpoint(execution: LocalExecution, checkpoint: Checkpoint): Promise<void> {
    execution.checkpoint = checkpoint;
    const states = this.statesOf(execution);
    return this.write(execution, () => this.journal.checkpoint(execution.executionArn, checkpoint, states));
  }

  /** The local function of every Task state of `version`, for one execution. */
  private taskStates(execution: LocalExecution, version: Version): TaskHandlers {
    const { plain, callbacks } = this.tasksOf(version);
    const handlers: TaskHandlers = { ...plain };
    for (const [stateName, state] of callbacks)
      handlers[stateName] = (input) => this.callbackTask(execution, stateName, state, input);
    return handlers;
  }

  /**
   * A version's Task states, sorted once per version and deployed handlers rather than per execution (a
   * simulation starts hundreds of thousands): the plain ones' functions, which are the same for every
   * execution, and the `.waitForTaskToken` ones, whose function needs the execution.
   */
  private tasksOf(version: Version) {
    const tasks = this.tasks();
    const known = this.taskCache.get(version);
    if (known?.tasks === tasks) return known;
    const plain: TaskHandlers = {};
    const callbacks: [string, CallbackState][] = [];
    for (const [stateName, state] of Object.entries(version.definition.States)) {
      if (state.Type !== 'Task') continue;
      if (state.Resource === WAIT_FOR_CALLBACK_RESOURCE) {
        callbacks.push([stateName, state]);
        continue;
      }
      const task = tasks[state.Resource];
      if (task) plain[stateName] = (input) => this.activity.track(() => task(input));
    }
    const sorted = { tasks, plain, callbacks };
    this.taskCache.set(version, sorted);
    return sorted;
  }

  /**
   * The `.waitForTaskToken` pattern, which aws-local-stepfunctions runs as a plain Task: a fresh token is
   * checkpointed, then handed to the function, then waited for — outside the activity count, so virtual
   * time can pass — until SendTaskSuccess or SendTaskFailure with it, or the state's timeout.
   */
  private async callbackTask(
    execution: LocalExecution,
    stateName: string,
    state: CallbackState,
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
  awaitToken(
    execution: LocalExecution,
    state: { Parameters?: unknown },
    input: unknown,
    token: string,
    deadline: string | undefined,
  ): Promise<unknown> {
    const fn = this.tasks()[String((state.Parameters as { FunctionName?: string }).FunctionName)];
    const { Payload } = input as { Payload: Record<string, unknown> };
    return this.tokens.wait(token, execution.executionArn, deadline, async () => {
      if (fn) await this.activity.track(() => fn({ ...Payload, taskToken: token }));
    });
  }
}
