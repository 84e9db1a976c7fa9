import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { customersAt } from '../../adapters/dynamodb/customer-partition';
import { shardOf } from '../../adapters/dynamodb/due-shard';
import { addressSearched } from '../../domain/console/search';
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

describe('customersAt: the address index, read by an address as typed', () => {
  it('finds every customer whose use of the address either write path recorded, and no one else', async () => {
    dynamo ??= await startDynalite();
    const table = await dynamo.freshTable();
    const email = addressSearched('Li@Example.com')!;
    const phone = addressSearched('+86 138 0013 8000')!;
    // Ingest's write (with journey entries) and an SMS send's (rememberAddress); a neighbour at another key.
    await table.store.putJourneyEntries([], [{ key: email.key, customerId: 'c-2' }]);
    await table.store.rememberAddress(email.key, 'c-1');
    await table.store.rememberAddress(phone.key, 'c-3');
    const at = (text: string) =>
      customersAt(DynamoDBDocumentClient.from(dynamo!.client), table.name, addressSearched(text)!.key);
    expect(await at(' li@example.COM ')).toEqual(['c-1', 'c-2']);
    expect(await at(' li@example.COM ')).toEqual(await table.store.listAddressUsers(email.key));
    expect(await at('+8613800138000')).toEqual(['c-3']);
    expect(await at('lee@example.com')).toEqual([]);
    await table.store.forgetAddress(email.key, 'c-2');
    expect(await at('li@example.com')).toEqual(['c-1']);
  });

  it('reads an id as an id: only an @ (email) or a leading + (phone) makes an address', () => {
    expect(addressSearched('c-42')).toBeUndefined();
    expect(addressSearched('c-42+1')).toBeUndefined();
    expect(addressSearched(' +1 555 0100')).toMatchObject({ channel: 'sms' });
    expect(addressSearched('a@b')).toMatchObject({ channel: 'email' });
  });
});
