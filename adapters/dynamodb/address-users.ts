import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys';
import { queryPartition } from './query-partition';

/**
 * The customers using an address (its suppressionKey), in id order: the index that ingest writes for each
 * address it checks and an SMS send for the number it texts (see rememberAddress). All pages: a
 * suppression marks every user of the address (markAddressUsers), and the console finds them all.
 */
export async function customersAt(
  doc: DynamoDBDocumentClient,
  tableName: string,
  addressKey: string,
): Promise<string[]> {
  const items = await queryPartition(doc, tableName, keys.address(addressKey, '').pk, {
    projection: 'customerId',
  });
  return items.map((item) => String(item.customerId));
}
