import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerItems } from '../../domain/console/timeline';
import { tombstoneKey } from '../../domain/erase';
import type { TombstoneRecord } from '../../domain/ports';
import { decisionOf } from './experiments';
import { keys } from './keys';
import { queryPartition } from './query-partition';
import { record } from './store-context';
import { DUE_INDEX } from './table';

type Item = Record<string, unknown>;

/** A customer's partition (any order) sorted by kind, as the store's getters would return each item. */
export function customerItemsOf(
  customerId: string,
  items: readonly Item[],
  tombstone?: TombstoneRecord,
): CustomerItems {
  const out: CustomerItems = {
    customerId,
    events: [],
    journeys: [],
    messages: [],
    decisions: [],
    awaits: [],
  };
  for (const item of items) {
    const sk = String(item.sk);
    if (sk === 'PROFILE') out.profile = record(item);
    else if (sk.startsWith('EVENT#')) {
      // A claim's `dueAt` is its place in the due index, not a field of the event.
      const { [DUE_INDEX.sortKey]: _due, ...event } = item;
      out.events.push(record(event));
    } else if (sk.startsWith('JOURNEY#')) out.journeys.push(record(item));
    else if (sk.startsWith('MESSAGE#')) out.messages.push(record(item));
    else if (sk.startsWith('DECISION#')) out.decisions.push(decisionOf(item));
    else if (sk.startsWith('AWAIT#')) out.awaits.push(record(item));
    // PACING holds counters for the frequency cap, already told by each message's outcome.
  }
  return tombstone ? { ...out, tombstone } : out;
}

/** Every item of one customer, consistently read, and the tombstone an erasure of them left, if any. */
export async function readCustomerItems(
  client: DynamoDBClient,
  tableName: string,
  customerId: string,
): Promise<CustomerItems> {
  const doc = DynamoDBDocumentClient.from(client);
  const items = await queryPartition(doc, tableName, keys.profile(customerId).pk);
  const { Item } = await doc.send(
    new GetCommand({
      TableName: tableName,
      Key: keys.tombstone(tombstoneKey(customerId)),
      ConsistentRead: true,
    }),
  );
  return customerItemsOf(customerId, items, Item ? record<TombstoneRecord>(Item) : undefined);
}

export { customersAt } from './address-users';
