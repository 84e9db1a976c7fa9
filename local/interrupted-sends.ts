import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localCustomerStore } from './store';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

import { markInterrupted } from '../domain/messages/interrupted';
import type { MessageRecord } from '../domain/ports';
import { METRIC, type Observability } from '../functions/shared/observability';

/** Which messages start-up found claimed and never answered: ids only, never addresses or content. */
export interface InterruptedSends {
  count: number;
  messages: { customerId: string; messageKey: string }[];
}

/**
 * Marks `in-doubt` (interrupted) every message record left `sending` in the local table: at start-up the
 * runtime holds its data folder's lock (instance-lock.ts), so each was claimed by a process that is gone
 * (kill -9, a crash) between the claim and the provider's answer; it may have gone out, so it is never
 * sent again. Call it before any execution resumes or any handler runs: a send begun since start-up
 * holds a live claim. Local only: on AWS a Scan of the table is never the way (see interrupted.ts).
 */
export async function settleInterruptedSends(
  dynamodb: DynamoDBClient,
  tableName: string,
  dueShards?: number,
): Promise<InterruptedSends> {
  const doc = DynamoDBDocumentClient.from(dynamodb);
  const store = localCustomerStore(dynamodb, tableName, dueShards);
  const found: InterruptedSends = { count: 0, messages: [] };
  const pages = paginateScan(
    { client: doc },
    {
      TableName: tableName,
      ConsistentRead: true,
      FilterExpression: 'begins_with(sk, :message) AND #s = :sending',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':message': 'MESSAGE#', ':sending': 'sending' },
    },
  );
  for await (const page of pages)
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, ...record } = item;
      const claim = record as MessageRecord;
      if (!(await markInterrupted(claim, store))) continue;
      found.count++;
      found.messages.push({ customerId: claim.customerId, messageKey: claim.messageKey });
    }
  return found;
}

/** Counts (MessagesInDoubt) and logs, by id, what settleInterruptedSends found. */
export function logInterruptedSends(
  { count, messages }: InterruptedSends,
  { logger, metrics }: Observability,
): void {
  if (count === 0) return;
  metrics.addMetric(METRIC.messagesInDoubt, MetricUnit.Count, count);
  metrics.publishStoredMetrics();
  for (const message of messages)
    logger.warn('message in doubt: the process that claimed it stopped before the answer', { ...message });
}
