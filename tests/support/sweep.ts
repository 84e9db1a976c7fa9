import { SendMessageBatchCommand, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { sqsWorkQueue } from '../../adapters/sqs/work-queue';
import type { Clock } from '../../domain/clock';
import { ingestEvent } from '../../domain/ingest';
import type { SweepWork } from '../../domain/sweep';
import type { CustomerEvent } from '../../domain/events/schema';
import type { CustomerStore, JourneyEntryRecord, LifecycleDeps } from '../../domain/ports';
import { createSweepHandler } from '../../functions/sweep/handler';
import { createSweepWorkerHandler } from '../../functions/sweep-worker/handler';
import { createObservability, type Observability } from '../../functions/shared/observability';
import { inlineQueue } from '../../local/inline-queue';
import { invokeLambda } from '../../local/lambda';
import { sqsBatch, type Table } from '../handlers/support';
import { batchSent, checkedLifecycleDeps, queueUrl, type MockedServices } from './checked-services';
import { grantedTo } from './grants';

/**
 * The sweep's coordinator handler with its queue delivered at once to the sweep-worker handler, both
 * wired to `deps`, as `npm start` wires them: a test invokes the coordinator and sees the whole sweep.
 * `workerStore`: the worker's own (a table's storeFor('sweep-worker'): its role is not the coordinator's).
 */
export function wiredSweepHandler(
  deps: LifecycleDeps & Observability,
  workerStore: CustomerStore = deps.store,
) {
  const worker = createSweepWorkerHandler({ ...deps, store: workerStore });
  const queue = inlineQueue<SweepWork>('rapport-sweep', (event) =>
    invokeLambda('rapport-sweep-worker', worker, event),
  );
  return createSweepHandler({ ...deps, queue });
}

const SWEEP_URL = queueUrl('rapport-sweep');

/**
 * The sweep as functions/sweep/index.ts and functions/sweep-worker/index.ts wire it on AWS, each function
 * on `table` and the mocked `services` as its role lets it use them: the coordinator's messages on the
 * sweep queue (SQS) are delivered at once to the worker, whose answers are kept in `workerResponses`.
 */
export function checkedSweep(table: Table, services: MockedServices, clock: Clock) {
  const worker = createSweepWorkerHandler({
    ...createObservability(),
    ...checkedLifecycleDeps('sweep-worker', table, services, clock),
  });
  const workerResponses: SQSBatchResponse[] = [];
  services.stubs.sqs
    .on(SendMessageBatchCommand, { QueueUrl: SWEEP_URL })
    .callsFake(async (input: SendMessageBatchCommandInput) => {
      const bodies = (input.Entries ?? []).map((e) => e.MessageBody ?? '');
      const batch = sqsBatch('sqs-sweep-work.json', ...bodies);
      workerResponses.push((await invokeLambda('rapport-sweep-worker', worker, batch)) as SQSBatchResponse);
      return batchSent(input);
    });
  const sweep = createSweepHandler({
    ...createObservability(),
    ...checkedLifecycleDeps('sweep', table, services, clock),
    queue: sqsWorkQueue<SweepWork>(grantedTo('sweep', services.clients.sqs), SWEEP_URL),
  });
  return { worker, workerResponses, run: () => invokeLambda('rapport-sweep', sweep, {}) };
}

/**
 * A delivery of `event` that stops dead right after the profile write, as a Lambda timeout or kill -9
 * would: its announcement never returns, so it neither finishes nor releases its claim. Resolves once it
 * has stopped.
 */
export async function deliveryThatDies(event: CustomerEvent, deps: LifecycleDeps): Promise<void> {
  let stopped!: () => void;
  const reached = new Promise<void>((resolve) => (stopped = resolve));
  const dying = {
    ...deps,
    publisher: {
      publish: () => {
        stopped();
        return new Promise<void>(() => undefined);
      },
    },
  };
  void ingestEvent(event, dying);
  await reached;
}

/** The nps-survey entry whose execution sqs-execution-status-change.json reports ended. */
export const ENDING_ENTRY: JourneyEntryRecord = {
  customerId: 'c-1',
  journeyId: 'nps-survey',
  journeyVersion: 1,
  executionName: 'nps-survey-c-1-0123456789abcdef',
  executionArn:
    'arn:aws:states:us-east-1:123456789012:execution:rapport-nps-survey:nps-survey-c-1-0123456789abcdef',
  enteredAt: '2026-03-04T08:00:00.000Z',
  trigger: { eventId: 'e-3', eventType: 'purchase', at: '2026-03-04T08:00:00.000Z' },
  activeUntil: '2026-06-04T08:00:00.000Z',
};
