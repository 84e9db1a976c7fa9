/**
 * Names and paths a compiled journey uses besides the step ids. A step compiler adds states named
 * `<step id><suffix>`; step ids may not end in one of these suffixes (schema.ts), so no step's own
 * state can take the name of another step's extra state.
 */
export const STATE_SUFFIXES = {
  /** send: the Task that finds until when a deferred send waits (its Catch of SendDeferredError leads here). */
  deferred: '-deferred',
  /** send: the Wait for the end of quiet hours (or of a marketing pause). */
  quietHours: '-quiet-hours',
  /** send: the Task that records a send which failed for good, before the journey goes on. */
  failed: '-failed',
  /**
   * Made by no compiler since a send at the end of a journey ends on its own Task; still reserved, so that
   * journeys valid before stay valid and no step takes the name of an older version's state.
   */
  end: '-end',
  /** wait until: the Wait for the computed instant. */
  until: '-until',
  /** branch and split: the Choice that follows the decision. */
  route: '-route',
} as const;

export const RESERVED_SUFFIXES: readonly string[] = Object.values(STATE_SUFFIXES);

export function stateName(stepId: string, suffix: keyof typeof STATE_SUFFIXES): string {
  return `${stepId}${STATE_SUFFIXES[suffix]}`;
}

/** The step a state was compiled from: its own id, or the step whose extra state it is. */
export function stepOfState(name: string, stepIds: ReadonlySet<string>): string | undefined {
  if (stepIds.has(name)) return name;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s) && stepIds.has(name.slice(0, -s.length)));
  return suffix === undefined ? undefined : name.slice(0, -suffix.length);
}

/** The second state of a branch or split: the Choice that routes on the decision. */
export function routeStateName(stepId: string): string {
  return stateName(stepId, 'route');
}

/** A step id as a key of the execution's state: `_` for `-`, so that it is a plain JSONPath name. */
export function stateKey(stepId: string): string {
  return stepId.replace(/-/g, '_');
}

/** Where a decision's result is kept in the execution's state: `$.decisions.<step id with _ for ->`. */
export function decisionPath(stepId: string): string {
  return `$.decisions.${stateKey(stepId)}`;
}

/** Where a wait-for-event step keeps the event that came (or the timeout). */
export function awaitPath(stepId: string): string {
  return `$.awaited.${stateKey(stepId)}`;
}

/** Where a send step keeps its outcome (status, and the end of the wait when deferred). */
export function sendPath(stepId: string): string {
  return `$.sends.${stateKey(stepId)}`;
}

/** Where a wait-until step keeps the instant it computed. */
export function schedulePath(stepId: string): string {
  return `$.schedule.${stateKey(stepId)}`;
}
