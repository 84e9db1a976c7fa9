import { randomUUID } from 'node:crypto';
import {
  EXECUTION_EVENT_SOURCE,
  EXECUTION_STATUS_CHANGE,
  type ExecutionStatusChange,
} from '../domain/journey/execution-end';
import type { Activity } from './activity';
import type { LocalExecution } from './execution-runner';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda';

/**
 * The "Step Functions Execution Status Change" event Step Functions puts on the default bus when a
 * Standard execution ends, in AWS's shape (epoch-millisecond dates, the input as a string), for a local
 * execution: the same event the AWS rule routes to the sweep queue (infra/sweeping.ts).
 */
export function executionStatusChange(e: LocalExecution): ExecutionStatusChange & Record<string, unknown> {
  const stopDate = (e.stopDate ?? e.startDate).getTime();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': EXECUTION_STATUS_CHANGE,
    source: EXECUTION_EVENT_SOURCE,
    account: LOCAL_ACCOUNT,
    time: new Date(stopDate).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [e.executionArn],
    detail: {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate.getTime(),
      stopDate,
      input: e.input,
      inputDetails: { included: true },
      output: e.output ?? null,
      outputDetails: { included: e.output !== undefined },
      ...(e.error === undefined ? {} : { error: e.error, cause: e.cause ?? '' }),
    } as ExecutionStatusChange['detail'],
  };
}

/**
 * What the AWS rule does with the journeys' ends, locally: each goes to the sweep queue (inline: the
 * sweep-worker handler takes it at once), tracked as activity so that virtual time waits for it. An end
 * the handler keeps failing on is reported and dropped, as EventBridge would park it in the dead-letter
 * queue: the entry's `activeUntil` still bounds how long it holds its group.
 */
export function routeExecutionEnds(
  send: (event: ExecutionStatusChange) => Promise<void>,
  activity: Activity,
): (e: LocalExecution) => void {
  return (e) => {
    void activity
      .track(() => send(executionStatusChange(e)))
      .catch((error: unknown) => {
        console.error(`local Step Functions: the end of ${e.name} was not recorded:`, error);
      });
  };
}
