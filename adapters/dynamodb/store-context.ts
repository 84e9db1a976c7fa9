import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type DeleteCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../../domain/errors';
import { isConditionFailure } from './condition-failure';
import { queryPartition } from './query-partition';
import { DUE_INDEX } from './table';

/**
 * What the customer store's operations share: the table, its document client, and the requests they all
 * make.
 */
export interface StoreContext {
  doc: DynamoDBDocumentClient;
  tableName: string;
  dueShards: number;
  get<T>(key: Record<string, string>): Promise<T | undefined>;
  put(key: Record<string, string>, record: object): Promise<void>;
  /** Sends a conditional write or delete: false when its condition failed (nothing changed). */
  conditionally(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean>;
  /**
   * A conditional put of `record` that another writer may have made first: then theirs, read back, stands
   * (and the condition failure is thrown if it has gone again since).
   */
  recordOnce<T>(command: PutCommand, record: T, readBack: () => Promise<T | undefined>): Promise<T>;
  /** Every item of one customer whose sort key starts with `prefix`, all pages, without the keys. */
  queryCustomer<T>(customerId: string, prefix: string): Promise<T[]>;
  /** Optimistic concurrency: version 1 creates, version n replaces n - 1 only. */
  putVersioned(what: string, version: number, item: Record<string, unknown>): Promise<void>;
}

export function storeContext(client: DynamoDBClient, tableName: string, dueShards: number): StoreContext {
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return {
    doc,
    tableName,
    dueShards,
    get: async <T>(key: Record<string, string>): Promise<T | undefined> => {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      if (!Item) return undefined;
      return record<T>(Item);
    },
    put: async (key, record) => {
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...key, ...record } }));
    },
    conditionally: async (command) => (await conditionFailure(doc, command)) === undefined,
    recordOnce: async (command, record, readBack) => {
      const failure = await conditionFailure(doc, command);
      if (failure === undefined) return record;
      const stored = await readBack();
      if (!stored) throw failure;
      return stored;
    },
    queryCustomer: async <T>(customerId: string, prefix: string): Promise<T[]> =>
      (await queryPartition(doc, tableName, `CUSTOMER#${customerId}`, { prefix })).map((item) =>
        record<T>(item),
      ),
    putVersioned: (what, version, item) => putVersioned(doc, tableName, what, version, item),
  };
}

/** Sends a conditional write or delete: the failure of its condition if it failed, else undefined. */
async function conditionFailure(
  doc: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand | DeleteCommand,
): Promise<unknown> {
  try {
    // send's overloads take one command type at a time.
    await doc.send(command as PutCommand);
    return undefined;
  } catch (e) {
    if (isConditionFailure(e)) return e;
    throw e;
  }
}

async function putVersioned(
  doc: DynamoDBDocumentClient,
  tableName: string,
  what: string,
  version: number,
  item: Record<string, unknown>,
): Promise<void> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ...(version === 1
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': version - 1 },
            }),
      }),
    );
  } catch (e) {
    if (isConditionFailure(e))
      throw new VersionConflictError(`${what} changed since version ${version - 1}`, { cause: e });
    throw e;
  }
}

/**
 * A stored item as the record it holds: without its table keys or its due shard, which say where the item
 * is kept, not what it says (a profile's `dueAt` is both: the index keeps it in its fixed-width form).
 */
export function record<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, [DUE_INDEX.partitionKey]: _shard, ...rest } = item;
  return rest as T;
}
