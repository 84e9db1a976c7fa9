import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLAIM_DUE } from '../../domain/due';
import type { CustomerStore, DuePlace, DueWork } from '../../domain/ports';
import { keys } from './keys';
import type { StoreContext } from './store-context';
import { DUE_INDEX } from './table';

/**
 * Where an earlier layout kept event claims (due at the end of their lease), over its fixed 16 shards. A
 * claim lives seconds, but one left by a crash before an upgrade may still be there: listClaims reads these.
 */
const LEGACY_CLAIM_SHARDS = Array.from({ length: 16 }, (_, shard) => `CLAIM#${shard}`);

/** What an item of the due index is, by its table sort key; anything else there is not work. */
function dueWorkOf({ customerId, sk, dueAt }: { customerId: string; sk: string; dueAt: string }): DueWork[] {
  if (sk === 'PROFILE') return [{ kind: 'customer', customerId, dueAt }];
  if (sk.startsWith('EVENT#')) return [{ kind: 'claim', customerId, eventId: sk.slice('EVENT#'.length) }];
  return [];
}

/**
 * The store's reads of the sparse due index (see customer-store.ts for the layout): only the sweep uses
 * them.
 */
export function dueIndexReads({
  doc,
  tableName,
  dueShards,
}: StoreContext): Pick<CustomerStore, 'listDueWork' | 'dueShards' | 'listDueShard' | 'listClaims'> {
  const dueShardNames = Array.from({ length: dueShards }, (_, shard) => `DUE#${shard}`);
  const pagesOf = (shard: string, until: string | undefined, pageSize: number, after?: DuePlace) =>
    duePages(doc, tableName, { shard, until, pageSize, after });
  /**
   * Every shard named read through to its end, as due work: a page the caller leaves due is behind the
   * cursor, never in front of the items after it. The shards are read side by side, a page of each at a
   * time, so a pass costs one round trip per page depth.
   */
  const allShards = async function* (names: string[], until: string | undefined, pageSize: number) {
    let open = names.map((shard) => pagesOf(shard, until, pageSize)[Symbol.asyncIterator]());
    while (open.length > 0) {
      const results = await Promise.all(open.map((pages) => pages.next()));
      for (const result of results) {
        const work = result.done ? [] : result.value.flatMap(dueWorkOf);
        if (work.length > 0) yield work;
      }
      open = open.filter((_, i) => !results[i]?.done);
    }
  };
  return {
    listDueWork: (now, pageSize) => allShards(dueShardNames, now, pageSize),
    dueShards,
    async *listDueShard(shard, now, pageSize, after) {
      for await (const page of pagesOf(`DUE#${shard}`, now, pageSize, after)) {
        const work = page.flatMap(dueWorkOf);
        if (work.length > 0) yield work;
      }
    },
    async *listClaims(pageSize) {
      // The front of the DUE shards (a customer due at a legacy out-of-range time could sort among the
      // claims there: left to the sweep), then whatever the earlier layout's claim shards still hold.
      const pages = [
        allShards(dueShardNames, CLAIM_DUE, pageSize),
        allShards(LEGACY_CLAIM_SHARDS, undefined, pageSize),
      ];
      for (const shards of pages)
        for await (const page of shards) {
          const claims = page.flatMap((w) =>
            w.kind === 'claim' ? [{ customerId: w.customerId, eventId: w.eventId }] : [],
          );
          if (claims.length > 0) yield claims;
        }
    },
  };
}

/**
 * One index shard's items whose index value is at or before `until` (all of them without it), as their
 * table keys, page by page, in index order.
 */
async function* duePages(
  doc: DynamoDBDocumentClient,
  tableName: string,
  {
    shard,
    until,
    pageSize,
    after,
  }: { shard: string; until: string | undefined; pageSize: number; after?: DuePlace },
) {
  const pages = paginateQuery(
    { client: doc, pageSize },
    {
      ...(after && {
        ExclusiveStartKey: {
          ...keys.profile(after.customerId),
          [DUE_INDEX.partitionKey]: shard,
          [DUE_INDEX.sortKey]: after.dueAt,
        },
      }),
      TableName: tableName,
      IndexName: DUE_INDEX.name,
      KeyConditionExpression: `#shard = :shard${until === undefined ? '' : ' AND #due <= :until'}`,
      ExpressionAttributeNames: {
        '#shard': DUE_INDEX.partitionKey,
        ...(until === undefined ? {} : { '#due': DUE_INDEX.sortKey }),
      },
      ExpressionAttributeValues: { ':shard': shard, ...(until === undefined ? {} : { ':until': until }) },
    },
  );
  for await (const page of pages)
    yield (page.Items ?? []).map((item) => ({
      customerId: String(item.pk).slice('CUSTOMER#'.length),
      sk: String(item.sk),
      dueAt: String(item[DUE_INDEX.sortKey]),
    }));
}
