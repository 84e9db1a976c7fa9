import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

/**
 * Every item of one partition (only those whose sort key starts with `prefix`, when given), read
 * consistently and across all pages: a partition's records are few, and a caller that missed a page would
 * miss a user of an address or a line of a timeline.
 */
export async function queryPartition(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  options: { prefix?: string; projection?: string } = {},
): Promise<Item[]> {
  const { prefix, projection } = options;
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: tableName,
      KeyConditionExpression: prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
      ...(projection === undefined ? {} : { ProjectionExpression: projection }),
      ConsistentRead: true,
    },
  );
  const items: Item[] = [];
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}
