import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../../domain/ports';
import { RapportError } from '../../domain/errors';

/** SQS takes at most ten messages per SendMessageBatch. */
const BATCH = 10;
/** Entries SQS refused in a batch (throttling, an internal error) are sent again this many times. */
const ATTEMPTS = 3;

/** Some messages could not be put on the queue: the caller must fail so that its own source retries. */
export class QueueSendError extends RapportError {
  override readonly name: string = 'QueueSendError';
}

/**
 * A WorkQueue over SQS: JSON bodies, sent in batches of ten; the entries a batch refuses are sent again,
 * and what is still refused after that is an error (never dropped).
 */
export function sqsWorkQueue<T>(sqs: SQSClient, queueUrl: string): WorkQueue<T> {
  return {
    async send(messages) {
      for (let i = 0; i < messages.length; i += BATCH)
        await sendBatch(
          sqs,
          queueUrl,
          messages.slice(i, i + BATCH).map((m) => JSON.stringify(m)),
        );
    },
  };
}

async function sendBatch(sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> {
  let pending = bodies.map((body, i) => ({ Id: String(i), MessageBody: body }));
  let reasons: string[] = [];
  for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
    const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
    const failed = new Set((out.Failed ?? []).map((f) => f.Id));
    reasons = (out.Failed ?? []).map((f) => `${f.Code ?? 'unknown'}${f.SenderFault ? ' (sender)' : ''}`);
    pending = pending.filter((e) => failed.has(e.Id));
  }
  if (pending.length > 0)
    throw new QueueSendError(
      `${pending.length} of ${bodies.length} messages could not be queued on ${queueUrl}: ${reasons.join(', ')}`,
    );
}
