import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Checkpoint } from './execution-journal';

type States = StateMachineDefinition['States'];
type AnyState = States[string];

/** What a resumed execution runs: its version's states, entered at its checkpoint. */
export interface ResumedDefinition {
  definition: StateMachineDefinition;
  /** The state it is entered at: a copy of the checkpoint's state, made to wait only what is left. */
  startAt: string;
  input: unknown;
}

/** A state's name as resumed: shown in the execution's timeline, so the restart is visible there. */
export function resumedStateName(state: string, states: States): string {
  let name = `${state} (resumed)`;
  while (name in states) name = `${name}'`;
  return name;
}

/**
 * The definition an execution is resumed on after a restart. Without a checkpoint it starts over with its
 * input (every task is idempotent per execution and step). At a Wait it waits for the original due time
 * (a time already past ends the wait at once, as on Step Functions after an outage). At a
 * `.waitForTaskToken` Task it waits for the same token, its timeout counted from the original entry.
 */
export function resumedDefinition(
  definition: StateMachineDefinition,
  originalInput: unknown,
  checkpoint: Checkpoint | undefined,
  now: Date,
): ResumedDefinition {
  if (!checkpoint) return { definition, startAt: definition.StartAt, input: originalInput };
  const original = definition.States[checkpoint.state];
  if (!original)
    throw new Error(`the checkpoint's state "${checkpoint.state}" is not in the execution's definition`);
  const startAt = resumedStateName(checkpoint.state, definition.States);
  const copy = resumedState(original, checkpoint, now);
  return {
    definition: { ...definition, StartAt: startAt, States: { ...definition.States, [startAt]: copy } },
    startAt,
    input: checkpoint.input,
  };
}

function resumedState(original: AnyState, checkpoint: Checkpoint, now: Date): AnyState {
  const flow = flowOf(original);
  switch (checkpoint.kind) {
    case 'wait':
      return {
        Type: 'Wait',
        Comment: `Resumed after a restart: waits until ${checkpoint.dueAt}`,
        Timestamp: checkpoint.dueAt,
        ...flow,
      } as AnyState;
    case 'callback': {
      // The local task enforces the exact deadline; this is only the interpreter's own bound, which
      // must not end the wait first (and which it would otherwise set to 60 s).
      const left = checkpoint.deadline ? Date.parse(checkpoint.deadline) - now.getTime() : Infinity;
      const TimeoutSeconds = Number.isFinite(left) ? Math.max(1, Math.ceil(left / 1000) + 1) : 99_999_999;
      return { ...original, TimeoutSeconds } as AnyState;
    }
  }
}

function flowOf(state: AnyState): { Next: string } | { End: true } {
  const { Next } = state as { Next?: string };
  return Next !== undefined ? { Next } : { End: true };
}

/**
 * When a Wait entered at `enteredAt` with `input` ends, or undefined when its time cannot be read here
 * (a path this reader does not follow): then no checkpoint is written and a restart resumes from the
 * previous one.
 */
export function waitDueAt(state: AnyState, input: unknown, enteredAt: Date): string | undefined {
  const wait = state as {
    Seconds?: number;
    Timestamp?: string;
    SecondsPath?: string;
    TimestampPath?: string;
    InputPath?: string | null;
  };
  const effective = wait.InputPath === undefined ? input : readPath(input, wait.InputPath ?? '$');
  const after = (seconds: unknown) =>
    typeof seconds === 'number' && Number.isFinite(seconds)
      ? new Date(enteredAt.getTime() + seconds * 1000).toISOString()
      : undefined;
  const at = (timestamp: unknown) =>
    typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp))
      ? new Date(timestamp).toISOString()
      : undefined;
  if (wait.Seconds !== undefined) return after(wait.Seconds);
  if (wait.Timestamp !== undefined) return at(wait.Timestamp);
  if (wait.SecondsPath !== undefined) return after(readPath(effective, wait.SecondsPath));
  if (wait.TimestampPath !== undefined) return at(readPath(effective, wait.TimestampPath));
  return undefined;
}

/** Follows a plain JSONPath (`$`, `$.a.b`), the only kind the journey compiler writes into a Wait. */
function readPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(path)) return undefined;
  let current: unknown = value;
  for (const part of path.slice(2).split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
