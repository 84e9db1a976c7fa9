import { paginateGetExecutionHistory, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionHistory } from '../../domain/console/executions';
import type { JourneyEntryRecord } from '../../domain/ports';

/**
 * The states one journey execution entered, from Step Functions' history: the steps reached, which the
 * table does not keep (a Wait, a quiet-hours deferral, a step with no send). Without the states' inputs
 * and outputs (includeExecutionData: false): they hold personal data and nothing here needs them.
 */
export async function readExecutionHistory(
  sfn: SFNClient,
  entry: Pick<JourneyEntryRecord, 'executionArn' | 'journeyId' | 'journeyVersion'>,
): Promise<ExecutionHistory> {
  const states: ExecutionHistory['states'] = [];
  const pages = paginateGetExecutionHistory(
    { client: sfn },
    { executionArn: entry.executionArn, includeExecutionData: false },
  );
  for await (const page of pages)
    for (const event of page.events ?? []) {
      const name = event.stateEnteredEventDetails?.name;
      if (name !== undefined && event.timestamp) states.push({ name, at: event.timestamp.toISOString() });
    }
  const { executionArn, journeyId, journeyVersion } = entry;
  return { executionArn, journeyId, journeyVersion, states };
}
