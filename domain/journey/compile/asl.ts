import { assertNever } from '../../assert-never';
import { RapportError } from '../../errors';

/**
 * The Amazon States Language states a journey compiles to, typed one per state `Type` (as aws-cdk-lib's
 * aws-stepfunctions has a class per state). JSONPath only: aws-local-stepfunctions ignores JSONata.
 * Property order in each builder is the order in the compiled JSON, which the golden files pin.
 */

/** Where a state goes next: to a named state, or nowhere (the execution succeeds). */
export type Flow = { Next: string; End?: never } | { End: true; Next?: never };

export interface RetryRule {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  /** The longest one wait may grow to (aws-local-stepfunctions honours it too). */
  MaxDelaySeconds?: number;
  JitterStrategy: 'FULL' | 'NONE';
}

export interface CatchRule {
  ErrorEquals: string[];
  ResultPath: string | null;
  Next: string;
}

interface Common {
  Comment?: string;
}

export type TaskState = Common & {
  Type: 'Task';
  Resource: string;
  Parameters?: Record<string, unknown>;
  ResultSelector?: Record<string, string>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  Retry?: RetryRule[];
  Catch?: CatchRule[];
} & Flow;

export interface ChoiceRule {
  Variable: string;
  StringEquals: string;
  Next: string;
}

export type ChoiceState = Common & { Type: 'Choice'; Choices: ChoiceRule[]; Default: string };

export type WaitState = Common & { Type: 'Wait' } & (
    { Seconds: number; TimestampPath?: never } | { TimestampPath: string; Seconds?: never }
  ) &
  Flow;

export type PassState = Common & { Type: 'Pass'; Result?: unknown; ResultPath?: string | null } & Flow;
export type SucceedState = Common & { Type: 'Succeed' };
export type FailState = Common & { Type: 'Fail'; Error?: string; Cause?: string };

export type AslState = TaskState | ChoiceState | WaitState | PassState | SucceedState | FailState;

/** One state and its name, as a step compiler yields them: the state map is built from these. */
export type NamedState = readonly [name: string, state: AslState];

export interface Asl {
  Comment: string;
  StartAt: string;
  States: Record<string, AslState>;
}

/** Two states of one journey would share a name: the second would silently replace the first. */
export class DuplicateStateError extends RapportError {
  override readonly name: string = 'DuplicateStateError';
  constructor(readonly stateName: string) {
    super(
      `two states are both named "${stateName}": rename the step whose id makes this name (step ids must be unique and must not end in a suffix the compiler reserves)`,
    );
  }
}

/** The only way states are put together: refuses any name twice, keeping the order given. */
export function stateMap(states: Iterable<NamedState>): Record<string, AslState> {
  const map = new Map<string, AslState>();
  for (const [name, state] of states) {
    if (map.has(name)) throw new DuplicateStateError(name);
    map.set(name, state);
  }
  return Object.fromEntries(map);
}

/** `Next` when there is a next state, `End` when there is none. */
export function flowTo(next: string | undefined): Flow {
  return next === undefined ? { End: true } : { Next: next };
}

/** The states `state` may lead to: its Next, a Choice's rules and Default, a Task's Catches. */
export function targetsOf(state: AslState): string[] {
  switch (state.Type) {
    case 'Task':
      return [...(state.Next ? [state.Next] : []), ...(state.Catch ?? []).map((c) => c.Next)];
    case 'Choice':
      return [...state.Choices.map((c) => c.Next), state.Default];
    case 'Wait':
    case 'Pass':
      return state.Next ? [state.Next] : [];
    case 'Succeed':
    case 'Fail':
      return [];
    default:
      return assertNever(state);
  }
}
