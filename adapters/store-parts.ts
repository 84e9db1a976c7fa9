import type { CustomerStore } from '../domain/ports';

/**
 * The CustomerStore's methods in the groups both adapters (dynamodb/, memory/) build the store from, so
 * that a method moved between groups, or added to the port, is placed once for both.
 */
export type ProfileOperations = Pick<
  CustomerStore,
  | 'getProfile'
  | 'getCustomerFacts'
  | 'putProfile'
  | 'getPacing'
  | 'putPacing'
  | 'getSuppression'
  | 'putSuppression'
  | 'getTombstone'
  | 'putTombstone'
  | 'deleteCustomer'
>;

/** Who uses an address: what a suppression reaches. */
export type AddressOperations = Pick<CustomerStore, 'rememberAddress' | 'forgetAddress' | 'listAddressUsers'>;

export type EventOperations = Pick<CustomerStore, 'getEvent' | 'writeEvent' | 'releaseEvent'>;

export type MessageOperations = Pick<
  CustomerStore,
  'getMessage' | 'claimMessage' | 'updateMessage' | 'settleClaim' | 'releaseMessage'
>;

export type JourneyOperations = Pick<
  CustomerStore,
  | 'listAllJourneyEntries'
  | 'listJourneyEntries'
  | 'putJourneyEntries'
  | 'recordJourneyEnd'
  | 'putAwait'
  | 'listAwaits'
  | 'deleteAwait'
>;
