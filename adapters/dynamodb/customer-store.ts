import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { CLAIM_DUE, dueIndexValue } from '../../domain/due';
import type { CustomerStore, StoredEvent, SuppressionRecord, TombstoneRecord } from '../../domain/ports';
import { DEFAULT_SCALE } from '../../domain/config/scale';
import type { PacingRecord } from '../../domain/messages/policy';
import type { Profile } from '../../domain/profile/profile';
import { customersAt } from './address-users';
import { customerFacts } from './batch';
import { journeyOperations, messageOperations, recordDecision } from './customer-items';
import { shardOf } from './due-shard';
import { dueIndexReads } from './due-reads';
import { experimentItems } from './experiments';
import { keys } from './keys';
import { record, storeContext, type StoreContext } from './store-context';
import { sweepLease } from './sweep-lease';
import { DUE_INDEX } from './table';
import type { AddressOperations, EventOperations, ProfileOperations } from '../store-parts';

/**
 * Single-table layout, one partition per customer so that a customer's whole story is one Query:
 *   pk = CUSTOMER#<id>   sk = PROFILE | EVENT#<eventId> | MESSAGE#<messageKey> | DECISION#<decisionKey>
 *                           | JOURNEY#<journeyId>#<executionName> | AWAIT#<eventType>#<tokenHash> | PACING
 *   pk = SUPPRESSION#<hash>  sk = SUPPRESSION   (an address never to contact again, by hash only)
 *   pk = ADDRESS#<hash>      sk = CUSTOMER#<id>  (who uses an address: a suppression of it marks them)
 *   pk = ERASED#<hash>       sk = ERASED        (when a customer was erased, by hash of the id only)
 *   pk = EXPERIMENT#<journeyId>#<stepId>  sk = VERDICT | TALLY  (an experiment's verdict, its running counts)
 * The sparse due index holds profiles with a due time and event claims that keep their event, both in
 * the customer's shard DUE#n; claims sort first (CLAIM_DUE), so one query per shard reads both. Split
 * decisions are indexed there too, apart, under EXPOSED#<journey>#<step>#n by time (see experiments.ts).
 * Only conditional single-item writes are used (no transactions), so dynalite runs it unchanged.
 * No item expires (no TTL): an EVENT# record is what makes a redelivery of any age a duplicate (and a reused
 * id a 409), and ingest accepts events dated back to settings events.earliest, so no age is safe to forget.
 */
export { keys };

/**
 * Customers with something due are spread over a few index partitions so that no single partition takes
 * every write; the sweeper queries each for `dueAt <= now`. Customers with nothing due are not in the
 * index at all (a sparse index), so a sweep costs nothing for them.
 */
export function dueShard(customerId: string, shards: number = DEFAULT_SCALE.dueShards): string {
  return `DUE#${shardOf(customerId, shards)}`;
}

/** The event record as stored: a claim that keeps its event is in the due index until done or released. */
function eventItem(record: StoredEvent, shards: number): Record<string, unknown> {
  const indexed = record.state === 'claimed' && record.event !== undefined;
  return {
    ...keys.event(record.customerId, record.eventId),
    ...record,
    ...(indexed
      ? { [DUE_INDEX.sortKey]: CLAIM_DUE, [DUE_INDEX.partitionKey]: dueShard(record.customerId, shards) }
      : {}),
  };
}

/**
 * The profile as stored. `dueAt` is the due index's sort key, compared as a string: only a value that
 * sorts as time does (dueIndexValue) enters the index; any other stays on the item, out of the index.
 */
export function profileItem(
  profile: Profile,
  shards: number = DEFAULT_SCALE.dueShards,
): Record<string, unknown> {
  const indexed = profile.dueAt === undefined ? undefined : dueIndexValue(profile.dueAt);
  return {
    ...keys.profile(profile.customerId),
    ...profile,
    ...(indexed !== undefined
      ? { [DUE_INDEX.sortKey]: indexed, [DUE_INDEX.partitionKey]: dueShard(profile.customerId, shards) }
      : {}),
  };
}

/** The condition that the event's record is still the claim named `holder`. */
function heldBy(holder: string) {
  return {
    ConditionExpression: '#state = :claimed AND #claim = :holder',
    ExpressionAttributeNames: { '#state': 'state', '#claim': 'claimId' },
    ExpressionAttributeValues: { ':claimed': 'claimed', ':holder': holder },
  };
}

/** `dueShards`: scale.dueShards (only ever raised: see shardOf); every writer of profiles must agree. */
export function createCustomerStore(
  client: DynamoDBClient,
  tableName: string,
  { dueShards = DEFAULT_SCALE.dueShards }: { dueShards?: number } = {},
): CustomerStore {
  const context = storeContext(client, tableName, dueShards);
  return {
    ...profileOperations(context),
    ...dueIndexReads(context),
    ...experimentItems(context),
    ...sweepLease(context),
    ...eventOperations(context),
    ...messageOperations(context),
    ...journeyOperations(context),
    recordDecision: recordDecision(context),
  };
}

/** The customer's own items (profile, pacing), the addresses, suppressions and tombstones, and erasure. */
function profileOperations(context: StoreContext): ProfileOperations & AddressOperations {
  const { doc, tableName, dueShards, get, put, putVersioned } = context;
  return {
    getProfile: (customerId) => get<Profile>(keys.profile(customerId)),
    getCustomerFacts: customerFacts(doc, tableName, record),
    putProfile: (profile) =>
      putVersioned(`profile ${profile.customerId}`, profile.version, profileItem(profile, dueShards)),
    getPacing: (customerId) => get<PacingRecord>(keys.pacing(customerId)),
    putPacing: (record) =>
      putVersioned(`pacing of ${record.customerId}`, record.version, {
        ...keys.pacing(record.customerId),
        ...record,
      }),
    getSuppression: (key) => get<SuppressionRecord>(keys.suppression(key)),
    putSuppression: (record) => put(keys.suppression(record.key), record),
    rememberAddress: (key, customerId) => put(keys.address(key, customerId), { customerId }),
    async forgetAddress(key, customerId) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.address(key, customerId) }));
    },
    listAddressUsers: (key) => customersAt(doc, tableName, key),
    getTombstone: (key) => get<TombstoneRecord>(keys.tombstone(key)),
    putTombstone: (record) => put(keys.tombstone(record.key), record),
    deleteCustomer: (customerId) => deleteCustomer(context, customerId),
  };
}

async function deleteCustomer({ doc, tableName }: StoreContext, customerId: string): Promise<number> {
  const pk = `CUSTOMER#${customerId}`;
  let deleted = 0;
  const pages = paginateQuery(
    { client: doc },
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    // One at a time, not BatchWriteItem: no unprocessed items to chase, and a crash midway leaves
    // the rest for the retry, which finds them again. In sort-key order, so PROFILE goes after every
    // JOURNEY# entry: ingest takes a profile it creates to mean the customer has no entries.
    for (const item of page.Items ?? [])
      await doc.send(new DeleteCommand({ TableName: tableName, Key: { pk, sk: item.sk } }));
    deleted += page.Items?.length ?? 0;
  }
  return deleted;
}

/** Event records: written once, or over the claim that holds them. */
function eventOperations({ tableName, dueShards, get, conditionally }: StoreContext): EventOperations {
  return {
    async getEvent(customerId, eventId) {
      // A claim's `dueAt` is its place in the due index (CLAIM_DUE), not a field of the record.
      const stored = await get<StoredEvent & { dueAt?: string }>(keys.event(customerId, eventId));
      if (!stored) return undefined;
      const { dueAt: _dueAt, ...event } = stored;
      return event;
    },
    writeEvent: (record, holder) =>
      conditionally(
        new PutCommand({
          TableName: tableName,
          // A whole-item put: the `done` record replaces the claim and so leaves the due index.
          Item: eventItem(record, dueShards),
          ...(holder === undefined ? { ConditionExpression: 'attribute_not_exists(pk)' } : heldBy(holder)),
        }),
      ),
    async releaseEvent(customerId, eventId, holder) {
      await conditionally(
        new DeleteCommand({ TableName: tableName, Key: keys.event(customerId, eventId), ...heldBy(holder) }),
      );
    },
  };
}
