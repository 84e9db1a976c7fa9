import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AwaitRecord, CustomerStore, JourneyEntryRecord, MessageRecord } from '../../domain/ports';
import { putItems } from './batch';
import { decisionOf, exposureAttributes } from './experiments';
import { keys } from './keys';
import type { StoreContext } from './store-context';
import type { MessageOperations, JourneyOperations } from '../store-parts';

/** A customer's messages: each claimed once, settled by the claim that sent it. */
export function messageOperations({ tableName, get, put, conditionally }: StoreContext): MessageOperations {
  return {
    getMessage: (customerId, key) => get<MessageRecord>(keys.message(customerId, key)),
    claimMessage: (record) =>
      conditionally(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.message(record.customerId, record.messageKey), ...record },
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :deferred',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':deferred': 'deferred' },
        }),
      ),
    updateMessage: (record) => put(keys.message(record.customerId, record.messageKey), record),
    async settleClaim(record, claimedAt) {
      const sameClaim = claimedAt === undefined ? 'attribute_not_exists(#c)' : '#c = :claimedAt';
      return conditionally(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.message(record.customerId, record.messageKey), ...record },
          ConditionExpression: `#s = :sending AND ${sameClaim}`,
          ExpressionAttributeNames: { '#s': 'status', '#c': 'claimedAt' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ...(claimedAt === undefined ? {} : { ':claimedAt': claimedAt }),
          },
        }),
      );
    },
    async releaseMessage(customerId, key) {
      await conditionally(
        new DeleteCommand({
          TableName: tableName,
          Key: keys.message(customerId, key),
          ConditionExpression: '#s = :sending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      );
    },
  };
}

/** A customer's journey entries and the awaits of their executions. */
export function journeyOperations(context: StoreContext): JourneyOperations {
  const { doc, tableName, put, conditionally, queryCustomer } = context;
  const putAll = putItems(doc, tableName);
  return {
    listAllJourneyEntries: (customerId) => queryCustomer<JourneyEntryRecord>(customerId, 'JOURNEY#'),
    async listJourneyEntries(customerId, journeyId) {
      const entries = await queryCustomer<JourneyEntryRecord>(customerId, `JOURNEY#${journeyId}#`);
      return entries.sort((a, b) => a.enteredAt.localeCompare(b.enteredAt));
    },
    // An update, not a put of the entry as read: nothing written meanwhile (a conversion) is overwritten,
    // and an entry that is not there (an erased customer's) is not created.
    recordJourneyEnd: ({ customerId, journeyId, executionName }, ended) =>
      conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.journeyEntry(customerId, journeyId, executionName),
          UpdateExpression: 'SET ended = :ended',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(ended)',
          ExpressionAttributeValues: { ':ended': ended },
        }),
      ),
    putJourneyEntries: (records, addresses = []) =>
      putAll([
        ...records.map((r) => ({ ...keys.journeyEntry(r.customerId, r.journeyId, r.executionName), ...r })),
        ...addresses.map(({ key, customerId }) => ({ ...keys.address(key, customerId), customerId })),
      ]),
    putAwait: (record) => put(keys.await(record.customerId, record.awaitKey), record),
    listAwaits: (customerId, event) => queryCustomer<AwaitRecord>(customerId, `AWAIT#${event}#`),
    async deleteAwait(customerId, key) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.await(customerId, key) }));
    },
  };
}

/** Records a decision once: a second one for the same key gets the first back. */
export function recordDecision({
  tableName,
  dueShards,
  get,
  recordOnce,
}: StoreContext): CustomerStore['recordDecision'] {
  return (record) =>
    recordOnce(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.decision(record.customerId, record.decisionKey),
          ...record,
          ...exposureAttributes(record, dueShards),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
      record,
      async () => {
        const stored = await get<Record<string, unknown>>(
          keys.decision(record.customerId, record.decisionKey),
        );
        return stored && decisionOf(stored);
      },
    );
}
