/**
 * How a journey's state machine is named on AWS: the stack names each one so, and the functions find it by
 * that name (STATE_MACHINE_ARN_PREFIX + name), so no per-journey ARN travels in their environment. Journey
 * ids are at most 64 characters: 8 + 64 stays within Step Functions' 80.
 */
export const STATE_MACHINE_NAME_PREFIX = 'rapport-';

export function stateMachineName(journeyId: string): string {
  return `${STATE_MACHINE_NAME_PREFIX}${journeyId}`;
}

/**
 * Every journey's state machine ARN, from the ARN prefix of the account and region
 * (`arn:<partition>:states:<region>:<account>:stateMachine:`).
 */
export function stateMachineArns(arnPrefix: string, journeyIds: readonly string[]): Record<string, string> {
  return Object.fromEntries(journeyIds.map((id) => [id, `${arnPrefix}${stateMachineName(id)}`]));
}
