import {
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  ScanCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Profile } from '../../domain/profile/profile';
import { BATCH_WRITE_MAX, writeBatch, type Backoff } from './batch';
import { profileItem } from './customer-store';
import { ensureTable } from './table';

/** A busy table throttles a bulk load: its batches are asked for again, up to a second apart, until done. */
const BULK_BACKOFF: Backoff = { attempts: Infinity, delayMs: (attempt) => Math.min(1000, 50 * 2 ** attempt) };

/** Whether the table holds no item at all (one item read, whatever its size). */
export async function isTableEmpty(client: DynamoDBClient, tableName: string): Promise<boolean> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, Limit: 1 }));
  return Items.length === 0;
}

/**
 * Writes profiles as the customer store lays them out (the same items, each in the due index at its due
 * time), in batches of 25 a few at a time: a bulk load into a table the caller knows holds none of these
 * customers (an import into an empty store), so the writes are unconditional. About six times faster
 * than one conditional put per item on dynalite.
 */
export async function bulkLoadProfiles(
  client: DynamoDBClient,
  tableName: string,
  profiles: Iterable<Profile>,
  options: { concurrency?: number; onProgress?: (written: number) => void } = {},
): Promise<number> {
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const items = (function* () {
    for (const p of profiles) yield profileItem(p);
  })();
  let written = 0;
  const writer = async () => {
    for (let batch = take(items, BATCH_WRITE_MAX); batch.length > 0; batch = take(items, BATCH_WRITE_MAX)) {
      await writeBatch(doc, tableName, batch, BULK_BACKOFF);
      written += batch.length;
      options.onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, writer));
  return written;
}

function take<T>(items: Iterator<T>, n: number): T[] {
  const batch: T[] = [];
  for (let next = items.next(); !next.done; next = items.next()) {
    batch.push(next.value);
    if (batch.length === n) break;
  }
  return batch;
}

/**
 * Deletes the tables named (those that exist) and waits until they are gone, then creates Rapport's
 * table again, empty. Local use only: what `rapport import --replace` does to the local store.
 */
export async function recreateTable(
  client: DynamoDBClient,
  tableName: string,
  alsoDelete: readonly string[] = [],
): Promise<void> {
  for (const name of [tableName, ...alsoDelete]) {
    try {
      await client.send(new DeleteTableCommand({ TableName: name }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    for (;;) {
      try {
        await client.send(new DescribeTableCommand({ TableName: name }));
      } catch (e) {
        if (isNotFound(e)) break;
        throw e;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await ensureTable(client, tableName);
}

const isNotFound = (e: unknown) =>
  e instanceof ResourceNotFoundException || (e as Error).name === 'ResourceNotFoundException';
