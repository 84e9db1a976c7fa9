import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys';

/**
 * The customers using an address (its suppressionKey), in id order: the index that ingest writes for each
 * address it checks and an SMS send for the number it texts (see rememberAddress). All pages: a
 * suppression marks every user of the address (markAddressUsers), and the console finds them all.
 */
export async function customersAt(
  client: DynamoDBClient,
  tableName: string,
  addressKey: string,
): Promise<string[]> {
  const doc = DynamoDBDocumentClient.from(client);
  const ids: string[] = [];
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.address(addressKey, '').pk },
      ProjectionExpression: 'customerId',
      ConsistentRead: true,
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) ids.push(String(item.customerId));
  return ids;
}
