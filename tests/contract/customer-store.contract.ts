import { experimentContract } from './experiments.contract';
import { dueIndexContract, sweepLeaseContract } from './customer-store/due-index';
import { copiesContract, erasureContract } from './customer-store/erasure';
import { eventsAndMessagesContract } from './customer-store/events-messages';
import { journeysContract } from './customer-store/journeys';
import { profilesContract } from './customer-store/profiles';
import type { CustomerStore } from '../../domain/ports';

export type ContractStore = CustomerStore & { cleanup?(): Promise<void> };

/**
 * The behaviour every CustomerStore must have, whatever keeps the data: the simulator runs whole
 * populations on the memory store and must see what the DynamoDB adapter (the reference) would do.
 * One contract, in parts by behaviour (customer-store/*.ts); each part reads the test's store via `() => store`.
 */
export function customerStoreContract(name: string, makeStore: () => Promise<ContractStore>): void {
  describe(`the CustomerStore contract: ${name}`, () => {
    let store: ContractStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(() => store.cleanup?.());

    profilesContract(() => store);
    eventsAndMessagesContract(() => store);
    journeysContract(() => store);
    dueIndexContract(() => store);
    sweepLeaseContract(() => store);
    describe('experiments', () => experimentContract(() => store));
    erasureContract(() => store);
    copiesContract(() => store);
  });
}
