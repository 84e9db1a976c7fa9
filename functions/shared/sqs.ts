import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { eachAtOnce } from '../../domain/each-at-once';
import type { Observability } from './observability';

/**
 * Runs `handle` on every record of an SQS batch, concurrently up to `concurrency`, and reports the records
 * that failed (the event source mapping has ReportBatchItemFailures): only those come back after the
 * visibility timeout, and after the queue's maxReceiveCount they go to its dead-letter queue. A body that
 * is not JSON is a failure too: it is kept, never dropped.
 */
export async function eachRecord<T>(
  event: SQSEvent,
  handle: (body: T, record: SQSRecord) => Promise<void>,
  deps: Pick<Observability, 'logger'> & { concurrency?: number },
): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  await eachAtOnce(event.Records, deps.concurrency ?? 1, async (record) => {
    try {
      await handle(JSON.parse(record.body) as T, record);
    } catch (error) {
      deps.logger.warn('queue message failed: it will be delivered again', {
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        error: error as Error,
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  });
  return { batchItemFailures: failures };
}
