import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dueShard } from '../../adapters/dynamodb/customer-store';
import { memoryStore } from '../../adapters/memory/stores';
import type { CustomerStore } from '../../domain/ports';
import type { Profile } from '../../domain/profile/profile';
import type { LocalDynamo } from '../handlers/support';

/** A store whose due index a test can plant values in that the adapter itself would never write. */
export interface IndexWorld {
  store: CustomerStore;
  /** Writes a profile straight into the store and its due index, as legacy data, bypassing the adapter. */
  plant(profile: Profile, dueValue: string): Promise<void>;
}

export async function memoryIndexWorld(): Promise<IndexWorld> {
  const store = memoryStore();
  return {
    store,
    plant: async (p, dueValue) => {
      store.profiles.set(p.customerId, structuredClone({ ...p, dueAt: dueValue }));
      store.due.set(p.customerId, dueValue);
    },
  };
}

/** The same on a fresh dynalite table (its name is returned too, for tests that count its reads). */
export async function dynaliteIndexWorld(dynamo: LocalDynamo): Promise<IndexWorld & { tableName: string }> {
  const table = await dynamo.freshTable();
  const doc = DynamoDBDocumentClient.from(dynamo.client);
  return {
    store: table.store,
    tableName: table.name,
    plant: async (p, dueValue) => {
      const Item = { pk: `CUSTOMER#${p.customerId}`, sk: 'PROFILE', ...p };
      await doc.send(
        new PutCommand({
          TableName: table.name,
          Item: { ...Item, dueAt: dueValue, dueShard: dueShard(p.customerId) },
        }),
      );
    },
  };
}

/** `n` customer ids `<prefix><i>` that land in the same due shard as `like`, so index order is one order. */
export function idsInOneShard(n: number, prefix: string, like: string): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < n; i++)
    if (dueShard(`${prefix}${i}`) === dueShard(like)) ids.push(`${prefix}${i}`);
  return ids;
}
