import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createCustomerStore } from '../adapters/dynamodb/customer-store';
import { ensureTable } from '../adapters/dynamodb/table';
import type { CustomerStore } from '../domain/ports';
import type { Activity } from './activity';
import type { Closers } from './closers';
import { lockDataDir } from './instance-lock';
import { InProcessTransport } from './in-process-transport';
import { dropUnreadSteps, runtimeClientConfig, trackActivity } from './sdk';
import { closeServer, containServer, listenOn, requestListenerOf } from './serve-safely';

/**
 * One dynalite process has no partitions to spread writes over, and every sweep reads every shard: the
 * local runtime keeps the 16 it always had (raising it later keeps data readable; lowering it would not).
 */
export const LOCAL_DUE_SHARDS = 16;

/** The customer store over the local table, as every local writer must build it (same due shards). */
export function localCustomerStore(
  client: DynamoDBClient,
  tableName: string,
  dueShards: number = LOCAL_DUE_SHARDS,
): CustomerStore {
  return createCustomerStore(client, tableName, { dueShards });
}

/** Where `npm start` keeps its data: $RAPPORT_DATA_DIR, or the checkout's .rapport/data. */
export function localDataDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.RAPPORT_DATA_DIR ?? join(__dirname, '..', '.rapport', 'data'));
}

export interface LocalStoreOptions {
  /** Where dynalite keeps its LevelDB files; omit for an in-memory table (tests). */
  dataDir: string | undefined;
  port: number;
  host: string;
  tableName: string;
  /**
   * The due index's shards (default LOCAL_DUE_SHARDS). Only a fresh in-memory table may have fewer: every
   * sweep reads every shard, and a scenario test of a year and a half sweeps five hundred times.
   */
  dueShards?: number;
}

/** The local DynamoDB, ready for use: its table exists and its client counts its calls as activity. */
export interface LocalStore {
  url: string;
  client: DynamoDBClient;
  tableName: string;
  dueShards: number;
}

/** Where the local Step Functions keeps its executions: a table beside Rapport's, in the same data folder. */
export function journalTableOf(store: Pick<LocalStore, 'tableName'>): string {
  return `${store.tableName}-local-executions`;
}

/** DynamoDB on this machine (dynalite), on the data folder this runtime holds the lock of. */
export async function startStore(
  options: LocalStoreOptions,
  activity: Activity,
  closers: Closers,
): Promise<LocalStore> {
  const { dataDir, port, host, tableName, dueShards = LOCAL_DUE_SHARDS } = options;
  if (dataDir && dueShards !== LOCAL_DUE_SHARDS)
    throw new Error(
      `dueShards: ${dueShards} on the data folder ${dataDir}: expected ${LOCAL_DUE_SHARDS}, the shards its due index was written with (fewer only for an in-memory table)`,
    );
  if (dataDir) {
    // Before dynalite opens LevelDB there: a second runtime on one folder gets a clear refusal.
    const lock = lockDataDir(dataDir);
    closers.add(() => lock.release());
  }
  const dynamo = dynalite({ createTableMs: 0, ...(dataDir ? { path: join(dataDir, 'dynamodb') } : {}) });
  containServer(dynamo, 'the local DynamoDB (dynalite)');
  // The runtime's own calls skip the socket; other clients (tests, the AWS CLI) use the port.
  const transport = new InProcessTransport(requestListenerOf(dynamo), 'the local DynamoDB');
  const url = await listenOn(dynamo, port, host, 'DynamoDB');
  closers.add(() => closeServer(dynamo));
  closers.add(() => transport.close());

  const client = new DynamoDBClient(runtimeClientConfig(url, transport));
  dropUnreadSteps(client);
  trackActivity(client, activity);
  closers.add(() => client.destroy());
  await ensureTable(client, tableName);
  return { url, client, tableName, dueShards };
}
