/**
 * How a journey's state machine is named on AWS: the stack names each one so, and the functions find it by
 * that name (STATE_MACHINE_ARN_PREFIX + name), so no per-journey ARN travels in their environment. A stage
 * (infra/stage.ts) puts `<stage>-` before the name, and the ARN prefix the functions get ends with it.
 */
export const STATE_MACHINE_NAME_PREFIX = 'rapport-';

/** Step Functions' longest state machine name. */
export const MAX_STATE_MACHINE_NAME_LENGTH = 80;

/** `rapport-<journey id>`, after the stage's `<stage>-` when there is one. */
export function stateMachineName(journeyId: string, stagePrefix = ''): string {
  return `${stagePrefix}${STATE_MACHINE_NAME_PREFIX}${journeyId}`;
}

/**
 * Every journey's state machine ARN, from the ARN prefix of the account and region
 * (`arn:<partition>:states:<region>:<account>:stateMachine:`, followed by `<stage>-` in a stage).
 */
export function stateMachineArns(arnPrefix: string, journeyIds: readonly string[]): Record<string, string> {
  return Object.fromEntries(journeyIds.map((id) => [id, `${arnPrefix}${stateMachineName(id)}`]));
}
