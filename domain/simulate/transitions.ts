import { type Problem, ValidationError } from '../errors';
import { targetsOf, type Asl, type AslState } from '../journey/compile';

/**
 * Billed Step Functions state transitions, counted from a compiled journey's ASL and the states an
 * execution entered. AWS: "Step Functions counts a state transition each time a step of your workflow is
 * executed … including retries", and "each retry will be charged as an additional state transition"
 * (https://aws.amazon.com/step-functions/pricing/). So every state entered counts one — Task, Choice,
 * Wait, Pass, Succeed and Fail alike — and a Task retried after an error counts once more per attempt.
 * Starting an execution, and stopping one (the goal reached, the customer erased), count nothing more.
 *
 * A path is the names of the states entered, in order; a retry appears as the Task's name repeated.
 * A path may end anywhere: an execution stopped or still running at the end of the period.
 */

export class InvalidExecutionPathError extends ValidationError {
  override readonly name: string = 'InvalidExecutionPathError';
}

type Definition = Asl | string;

const parse = (asl: Definition): Asl => (typeof asl === 'string' ? (JSON.parse(asl) as Asl) : asl);

/** How many times a state may be tried again in a row: the sum of its Retry rules' MaxAttempts. */
function retriesAllowed(state: AslState): number {
  return state.Type === 'Task' ? (state.Retry ?? []).reduce((n, r) => n + r.MaxAttempts, 0) : 0;
}

/**
 * The billed state transitions of one execution that entered `statesEntered` (in order): one per state
 * entered, retries included. Throws InvalidExecutionPathError listing every step the ASL does not allow,
 * so a count is never made from a path the state machine could not have taken.
 */
export function transitionsOfPath(asl: Definition, statesEntered: readonly string[]): number {
  const { StartAt, States } = parse(asl);
  const problems: Problem[] = [];
  const at = (i: number, value: unknown, expected: string) =>
    problems.push({ source: 'execution path', field: `[${i}]`, value, expected });
  if (statesEntered.length && statesEntered[0] !== StartAt)
    at(0, statesEntered[0], `the state machine's first state, ${StartAt}`);
  let retries = 0;
  statesEntered.forEach((name, i) => {
    const state = States[name];
    if (!state) return at(i, name, `one of the state machine's states: ${Object.keys(States).join(', ')}`);
    const previousName = statesEntered[i - 1];
    const previous = previousName === undefined ? undefined : States[previousName];
    if (!previous) return;
    retries = name === previousName ? retries + 1 : 0;
    if (name === previousName && retries <= retriesAllowed(previous)) return;
    const allowed = targetsOf(previous);
    if (!allowed.includes(name))
      at(
        i,
        name,
        name === previousName
          ? `at most ${retriesAllowed(previous)} retries of ${name} in a row (its Retry's MaxAttempts)`
          : `a state ${previousName} can go to: ${allowed.join(', ') || 'none (it ends the execution)'}`,
      );
  });
  if (problems.length)
    throw new InvalidExecutionPathError('not a path this state machine can take', problems);
  return statesEntered.length;
}

/** A state's exits on its successive visits; past the last, it takes its ordinary exit. */
export type Turns = Readonly<Record<string, readonly string[]>>;

export interface ExecutionScript {
  /**
   * Per state, where the execution goes on each visit instead of the ordinary exit (Next; a Choice's
   * Default): a Choice's target, a Task's Catch target, or the state's own name for a retry.
   */
  turns?: Turns;
  /** The execution is stopped on first entering this state (a goal reached during a wait, the period's end). */
  stopIn?: string;
}

const MAX_STATES = 10_000;

/**
 * The states an execution of `asl` enters when it follows `script`: the ordinary exit everywhere but
 * where a turn says otherwise. For tests and hand estimates; the simulator records real executions.
 */
export function walkExecution(asl: Definition, script: ExecutionScript = {}): string[] {
  const { StartAt, States } = parse(asl);
  const used = new Map<string, number>();
  const path: string[] = [];
  for (let name: string | undefined = StartAt; name !== undefined;) {
    const state: AslState | undefined = States[name];
    if (!state) throw new Error(`the execution went to ${name}, which the state machine does not have`);
    path.push(name);
    if (name === script.stopIn) break;
    if (path.length >= MAX_STATES)
      throw new Error(`the execution did not end within ${MAX_STATES} states: a turn loops`);
    const visit: number = used.get(name) ?? 0;
    used.set(name, visit + 1);
    name = script.turns?.[name]?.[visit] ?? ordinaryExit(state);
  }
  return path;
}

function ordinaryExit(state: AslState): string | undefined {
  if (state.Type === 'Choice') return state.Default;
  if (state.Type === 'Succeed' || state.Type === 'Fail') return undefined;
  return state.Next;
}
