import { PutCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomerStore, DecisionRecord, ExperimentRecord, ExperimentTally } from '../../domain/ports';
import { shardOf } from './due-shard';
import { keys } from './keys';
import type { StoreContext } from './store-context';
import { DUE_INDEX } from './table';

/**
 * Where a split decision is indexed: the due index, under a partition of its own per split and shard
 * (`EXPOSED#<journey>#<step>#<n>`, sorted by the decision's time), which no sweep of due work reads. The
 * index is reused rather than a second one added so that existing tables (and local data directories)
 * need no migration; the attribute rides on the decision's own conditional put, so a split decision costs
 * no extra request. Sharded as due work is, so a campaign's burst of decisions spreads over partitions.
 */
const exposurePartition = (journeyId: string, stepId: string, shard: number) =>
  `EXPOSED#${journeyId}#${stepId}#${shard}`;

/** The index attributes a decision item carries: only a split's, which the experiments read. */
export function exposureAttributes(record: DecisionRecord, shards: number): Record<string, string> {
  if (record.kind !== 'split') return {};
  return {
    [DUE_INDEX.partitionKey]: exposurePartition(
      record.journeyId,
      record.stepId,
      shardOf(record.customerId, shards),
    ),
    [DUE_INDEX.sortKey]: record.at,
  };
}

/** A decision as read back: without the index attributes (the time is already its `at`). */
export function decisionOf(item: Record<string, unknown>): DecisionRecord {
  const { pk: _pk, sk: _sk, [DUE_INDEX.partitionKey]: _p, [DUE_INDEX.sortKey]: _s, ...rest } = item;
  return rest as unknown as DecisionRecord;
}

type ExperimentReads = Pick<
  CustomerStore,
  | 'getDecision'
  | 'listSplitExposures'
  | 'getExperiment'
  | 'recordExperiment'
  | 'getExperimentTally'
  | 'putExperimentTally'
>;

/**
 * The store's experiment items (see customer-store.ts for the layout): the sweeper's evaluation and the
 * split's verdict read.
 */
export function experimentItems(context: StoreContext): ExperimentReads {
  const { doc, tableName, dueShards, get, put, recordOnce } = context;
  const getExperiment = (journeyId: string, stepId: string) =>
    get<ExperimentRecord>(keys.experiment(journeyId, stepId));
  return {
    async getDecision(customerId, decisionKey) {
      const item = await get<Record<string, unknown>>(keys.decision(customerId, decisionKey));
      return item && decisionOf(item);
    },
    listSplitExposures: splitExposures(doc, tableName, dueShards),
    getExperiment,
    recordExperiment: (record) =>
      // Another run recorded first: its verdict stands.
      recordOnce(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.experiment(record.journeyId, record.stepId), ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
        record,
        () => getExperiment(record.journeyId, record.stepId),
      ),
    getExperimentTally: (journeyId, stepId) => get<ExperimentTally>(keys.experimentTally(journeyId, stepId)),
    putExperimentTally: (tally) => put(keys.experimentTally(tally.journeyId, tally.stepId), tally),
  };
}

/** The split's decisions made in (after, through], by shard, each shard read to its end. */
function splitExposures(
  doc: DynamoDBDocumentClient,
  tableName: string,
  shards: number,
): CustomerStore['listSplitExposures'] {
  return async function* (journeyId, stepId, { after, through }, pageSize) {
    // Every shard side by side, each read to its end: a run reads the decisions of about one sweep
    // interval (those whose window passed since the last), so what is held at once stays small.
    const shardItems = async (shard: number) => {
      const items: Record<string, unknown>[] = [];
      const pages = paginateQuery(
        { client: doc, pageSize },
        {
          TableName: tableName,
          IndexName: DUE_INDEX.name,
          KeyConditionExpression: '#p = :p AND #at BETWEEN :after AND :through',
          ExpressionAttributeNames: { '#p': DUE_INDEX.partitionKey, '#at': DUE_INDEX.sortKey },
          ExpressionAttributeValues: {
            ':p': exposurePartition(journeyId, stepId, shard),
            ':after': after,
            ':through': through,
          },
        },
      );
      for await (const page of pages) items.push(...(page.Items ?? []));
      return items;
    };
    const shardsRead = await Promise.all(Array.from({ length: shards }, (_, shard) => shardItems(shard)));
    for (const items of shardsRead) {
      const exposures = items
        .map((item) => ({
          customerId: String(item.pk).slice('CUSTOMER#'.length),
          decisionKey: String(item.sk).slice('DECISION#'.length),
          at: String(item[DUE_INDEX.sortKey]),
        }))
        // BETWEEN includes `after`, which the last evaluation counted.
        .filter((e) => e.at > after);
      for (let i = 0; i < exposures.length; i += pageSize) yield exposures.slice(i, i + pageSize);
    }
  };
}
