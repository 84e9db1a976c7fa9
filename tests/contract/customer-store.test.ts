import { memoryStore } from '../../adapters/memory/stores';
import { startDynalite, type LocalDynamo } from '../handlers/support';
import { customerStoreContract } from './customer-store.contract';

/** One contract, both stores: the DynamoDB adapter (on dynalite) is the reference the memory store follows. */
customerStoreContract('the memory store', async () => memoryStore());

let dynamo: LocalDynamo | undefined;
afterAll(() => dynamo?.stop());
customerStoreContract('the DynamoDB adapter on dynalite', async () => {
  dynamo ??= await startDynalite();
  return (await dynamo.freshTable()).store;
});
