import { shardOf } from '../../adapters/dynamodb/due-shard';
import { DEFAULT_SCALE } from '../../domain/config/scale';
import { memoryStore } from '../../adapters/memory/stores';
import { startDynalite, type LocalDynamo } from '../handlers/support';
import { customerStoreContract } from './customer-store.contract';
import { AT, claim, pagesOf, profile } from './records';

/** One contract, both stores: the DynamoDB adapter (on dynalite) is the reference the memory store follows. */
customerStoreContract('the memory store', async () => memoryStore());

let dynamo: LocalDynamo | undefined;
const dynamoStore = async () => {
  dynamo ??= await startDynalite();
  return (await dynamo.freshTable()).store;
};
afterAll(() => dynamo?.stop());
customerStoreContract('the DynamoDB adapter on dynalite', dynamoStore);

describe('the due index, page for page, on both stores', () => {
  // Items tied on their index value come back in no defined order on DynamoDB (dynalite breaks ties by a
  // hash of the table key), so every customer here has its own due time and each shard at most one claim.
  it('gives the pages of every shard in the order the adapter reads its shards side by side', async () => {
    const MINUTE = 60_000;
    const stores = [memoryStore(), await dynamoStore()];
    const claimed = new Map<number, string>();
    for (let i = 0; i < 80; i++)
      if (!claimed.has(shardOf(`p-${i}`, DEFAULT_SCALE.dueShards)))
        claimed.set(shardOf(`p-${i}`, DEFAULT_SCALE.dueShards), `p-${i}`);
    for (const store of stores) {
      for (let i = 0; i < 80; i++) {
        const dueAt = new Date(Date.parse(AT) + ((i * 37) % 97) * MINUTE - 80 * MINUTE).toISOString();
        await store.putProfile(profile(`p-${i}`, { dueAt }));
      }
      for (const customerId of claimed.values()) await store.writeEvent(claim(customerId, 'e-1', 'h-1'));
    }
    const [memory, dynamodb] = await Promise.all(stores.map((store) => pagesOf(store.listDueWork(AT, 3))));
    expect(memory).toEqual(dynamodb);
    const [memoryClaims, dynamoClaims] = await Promise.all(
      stores.map((store) => pagesOf(store.listClaims(2))),
    );
    expect(memoryClaims).toEqual(dynamoClaims);
  });
});
