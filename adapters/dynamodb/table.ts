import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** The key schema of Rapport's single table. CDK (infra/) and the local runtime both build it from this. */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** The sparse index of customers with a due time (see dueShard in customer-store.ts). Keys only. */
export const DUE_INDEX = { name: 'due', partitionKey: 'dueShard', sortKey: 'dueAt' } as const;

/**
 * Creates the table if it does not exist and waits until it is ACTIVE (local runtime and tests; on AWS
 * CloudFormation creates it). Polls on setImmediate, not setTimeout, so it also works on virtual time.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
          { AttributeName: DUE_INDEX.partitionKey, AttributeType: 'S' },
          { AttributeName: DUE_INDEX.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: DUE_INDEX.name,
            KeySchema: [
              { AttributeName: DUE_INDEX.partitionKey, KeyType: 'HASH' },
              { AttributeName: DUE_INDEX.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (e) {
    if (!(e instanceof ResourceInUseException) && (e as Error).name !== 'ResourceInUseException') throw e;
  }
  for (let attempt = 0; ; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (attempt > 10_000) throw new Error(`table ${tableName} did not become ACTIVE`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
