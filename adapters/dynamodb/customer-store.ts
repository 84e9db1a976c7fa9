import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import { CLAIM_DUE, dueIndexValue } from '../../domain/due';
import { VersionConflictError } from '../../domain/errors';
import type {
  AwaitRecord,
  CustomerStore,
  JourneyEntryRecord,
  MessageRecord,
  StoredEvent,
  SuppressionRecord,
  TombstoneRecord,
} from '../../domain/ports';
import { DEFAULT_SCALE } from '../../domain/config/scale';
import type { PacingRecord } from '../../domain/messages/policy';
import type { Profile } from '../../domain/profile/profile';
import { customersAt } from './address-users';
import { isConditionFailure } from './condition-failure';
import { customerFacts, putItems } from './batch';
import { shardOf } from './due-shard';
import { dueIndexReads } from './due-reads';
import { decisionOf, experimentItems, exposureAttributes } from './experiments';
import { keys } from './keys';
import { queryPartition } from './query-partition';
import { sweepLease } from './sweep-lease';
import { DUE_INDEX } from './table';

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

/**
 * A stored item as the record it holds: without its table keys or its due shard, which say where the item
 * is kept, not what it says (a profile's `dueAt` is both: the index keeps it in its fixed-width form).
 */
function record<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, [DUE_INDEX.partitionKey]: _shard, ...rest } = item;
  return rest as T;
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
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const get = async <T>(key: Record<string, string>): Promise<T | undefined> => {
    const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    if (!Item) return undefined;
    return record<T>(Item);
  };
  const put = async (key: Record<string, string>, record: object) => {
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...key, ...record } }));
  };
  /** Sends a conditional write: false when its condition failed (nothing written). */
  const conditionally = async (command: PutCommand | UpdateCommand): Promise<boolean> => {
    try {
      // send's overloads take one command type at a time.
      await doc.send(command as PutCommand);
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  };
  /** Every item of one customer whose sort key starts with `prefix`, all pages, without the keys. */
  const queryCustomer = async <T>(customerId: string, prefix: string): Promise<T[]> =>
    (await queryPartition(doc, tableName, `CUSTOMER#${customerId}`, { prefix })).map((item) =>
      record<T>(item),
    );
  /** Optimistic concurrency: version 1 creates, version n replaces n - 1 only. */
  const putVersioned = async (what: string, version: number, item: Record<string, unknown>) => {
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
  };
  const putAll = putItems(doc, tableName);

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
    listAllJourneyEntries: (customerId) => queryCustomer<JourneyEntryRecord>(customerId, 'JOURNEY#'),
    async deleteCustomer(customerId) {
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
    },
    listAddressUsers: (key) => customersAt(client, tableName, key),
    ...dueIndexReads(doc, tableName, dueShards),
    ...experimentItems(doc, tableName, dueShards),
    ...sweepLease(doc, tableName),
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
      await doc
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.event(customerId, eventId),
            ...heldBy(holder),
          }),
        )
        .catch((e: unknown) => {
          if (!isConditionFailure(e)) throw e;
        });
    },
    getTombstone: (key) => get<TombstoneRecord>(keys.tombstone(key)),
    putTombstone: (record) => put(keys.tombstone(record.key), record),
    getMessage: (customerId, key) => get<MessageRecord>(keys.message(customerId, key)),
    claimMessage: (record) =>
      conditionally(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.message(record.customerId, record.messageKey), ...record },
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :deferred',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':deferred': 'deferred' },
        }),
      ),
    updateMessage: (record) => put(keys.message(record.customerId, record.messageKey), record),
    async settleClaim(record, claimedAt) {
      const sameClaim = claimedAt === undefined ? 'attribute_not_exists(#c)' : '#c = :claimedAt';
      return conditionally(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.message(record.customerId, record.messageKey), ...record },
          ConditionExpression: `#s = :sending AND ${sameClaim}`,
          ExpressionAttributeNames: { '#s': 'status', '#c': 'claimedAt' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ...(claimedAt === undefined ? {} : { ':claimedAt': claimedAt }),
          },
        }),
      );
    },
    async listJourneyEntries(customerId, journeyId) {
      const entries = await queryCustomer<JourneyEntryRecord>(customerId, `JOURNEY#${journeyId}#`);
      return entries.sort((a, b) => a.enteredAt.localeCompare(b.enteredAt));
    },
    // An update, not a put of the entry as read: nothing written meanwhile (a conversion) is overwritten,
    // and an entry that is not there (an erased customer's) is not created.
    recordJourneyEnd: ({ customerId, journeyId, executionName }, ended) =>
      conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.journeyEntry(customerId, journeyId, executionName),
          UpdateExpression: 'SET ended = :ended',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(ended)',
          ExpressionAttributeValues: { ':ended': ended },
        }),
      ),
    putJourneyEntries: (records, addresses = []) =>
      putAll([
        ...records.map((r) => ({ ...keys.journeyEntry(r.customerId, r.journeyId, r.executionName), ...r })),
        ...addresses.map(({ key, customerId }) => ({ ...keys.address(key, customerId), customerId })),
      ]),
    putAwait: (record) => put(keys.await(record.customerId, record.awaitKey), record),
    listAwaits: (customerId, event) => queryCustomer<AwaitRecord>(customerId, `AWAIT#${event}#`),
    async deleteAwait(customerId, key) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.await(customerId, key) }));
    },
    async recordDecision(record) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.decision(record.customerId, record.decisionKey),
              ...record,
              ...exposureAttributes(record, dueShards),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return record;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        const stored = await get<Record<string, unknown>>(
          keys.decision(record.customerId, record.decisionKey),
        );
        if (!stored) throw e;
        return decisionOf(stored);
      }
    },
    async releaseMessage(customerId, key) {
      await doc
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.message(customerId, key),
            ConditionExpression: '#s = :sending',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending' },
          }),
        )
        .catch((e: unknown) => {
          if (!isConditionFailure(e)) throw e;
        });
    },
  };
}
