import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { RapportError } from '../domain/errors';
import type { WorkQueue } from '../domain/ports';

/** What the consumer still reported as failed after every local attempt. */
export class InlineDeliveryError extends RapportError {
  override readonly name: string = 'InlineDeliveryError';
}

/** Local deliveries of one message before giving up: SQS would keep it and redeliver, then dead-letter. */
const ATTEMPTS = 3;

/**
 * A WorkQueue that delivers at once, in process, to the consumer's handler, as an SQS batch event: the same
 * consumer code as on AWS, without a queue server. `send` returns when the consumer has handled every
 * message, so local callers (the HTTP API, the sweeper) see the work done; what the consumer reports as
 * failed is delivered again, and what still fails is thrown to the caller, which fails in turn (a 5xx, a
 * sweep that tries again), so nothing is dropped silently.
 */
export function inlineQueue<T>(
  queueName: string,
  consume: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
): WorkQueue<T> {
  return {
    async send(messages) {
      let pending = messages.map((m) => sqsRecord(queueName, JSON.stringify(m)));
      for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
        for (const r of pending) r.attributes.ApproximateReceiveCount = String(attempt);
        const response = await consume({ Records: pending });
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        pending = pending.filter((r) => failed.has(r.messageId));
      }
      if (pending.length > 0)
        throw new InlineDeliveryError(
          `${pending.length} of ${messages.length} messages failed in ${queueName} after ${ATTEMPTS} deliveries`,
        );
    },
  };
}

function sqsRecord(queueName: string, body: string): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: 'local',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:local:000000000000:${queueName}`,
    awsRegion: 'local',
  };
}
