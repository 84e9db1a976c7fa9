import {
  BatchGetCommand,
  BatchWriteCommand,
  PutCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { RapportError } from '../../domain/errors';
import type { CustomerFacts, FactsWanted } from '../../domain/ports';
import { keys } from './keys';

type Key = { pk: string; sk: string };
type Part = keyof CustomerFacts;

/** The keys of the parts asked for, each with the part it fills. */
function wantedKeys(customerId: string, wanted: FactsWanted): [Part, Key][] {
  const out: [Part, Key][] = [];
  if (wanted.profile) out.push(['profile', keys.profile(customerId)]);
  if (wanted.pacing) out.push(['pacing', keys.pacing(customerId)]);
  if (wanted.eventId !== undefined) out.push(['event', keys.event(customerId, wanted.eventId)]);
  if (wanted.messageKey !== undefined) out.push(['message', keys.message(customerId, wanted.messageKey)]);
  if (wanted.journeyEntry) {
    const { journeyId, executionName } = wanted.journeyEntry;
    out.push(['journeyEntry', keys.journeyEntry(customerId, journeyId, executionName)]);
  }
  if (wanted.tombstoneKey !== undefined) out.push(['tombstone', keys.tombstone(wanted.tombstoneKey)]);
  return out;
}

/** DynamoDB kept handing back part of a batch (throttled): the caller fails and is retried. */
export class UnprocessedItemsError extends RapportError {
  override readonly name: string = 'UnprocessedItemsError';
}

/** How often what a batch leaves unprocessed is asked for again, and how long to wait before each. */
export interface Backoff {
  attempts: number;
  delayMs(attempt: number): number;
}

/** The hot paths': a few quick attempts, then the call fails and its caller (a queue, a Task) retries it. */
const HOT_PATH_BACKOFF: Backoff = { attempts: 5, delayMs: (attempt) => 2 ** attempt * 10 };

/** Sends `first`, then what each answer hands back unprocessed, until nothing is left. */
async function untilProcessed<T>(
  first: T[],
  send: (pending: T[]) => Promise<T[]>,
  action: string,
  backoff: Backoff,
): Promise<void> {
  let pending = first;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === backoff.attempts)
      throw new UnprocessedItemsError(`${pending.length} items stayed unprocessed by ${action}`);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoff.delayMs(attempt)));
    pending = await send(pending);
  }
}

/**
 * getCustomerFacts over one BatchGetItem (strongly consistent, as every read of the adapter): at most six
 * keys, well under its hundred, so one request unless DynamoDB hands some back unprocessed. `record`
 * strips the table keys, as the single-item getters do.
 */
export function customerFacts(
  doc: DynamoDBDocumentClient,
  tableName: string,
  record: (item: Record<string, unknown>) => object,
) {
  return async (customerId: string, wanted: FactsWanted): Promise<CustomerFacts> => {
    const parts = wantedKeys(customerId, wanted);
    const facts: Record<string, unknown> = {};
    if (parts.length === 0) return facts;
    const partOf = new Map(parts.map(([part, key]) => [`${key.pk}\u0000${key.sk}`, part]));
    const read = async (pending: Key[]) => {
      const out = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName] ?? []) {
        const part = partOf.get(`${String(item.pk)}\u0000${String(item.sk)}`);
        if (part) facts[part] = record(item);
      }
      return (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    };
    await untilProcessed(
      parts.map(([, key]) => key),
      read,
      'BatchGetItem',
      HOT_PATH_BACKOFF,
    );
    // A claim's `dueAt` is its place in the due index (CLAIM_DUE), not a field of the record (see getEvent).
    if (facts.event) {
      const { dueAt: _dueAt, ...event } = facts.event as { dueAt?: string };
      facts.event = event;
    }
    return facts as CustomerFacts;
  };
}

/** BatchWriteItem's limit of items per request. */
export const BATCH_WRITE_MAX = 25;

/** One BatchWriteItem of at most BATCH_WRITE_MAX whole items, asking again for the unprocessed ones. */
export function writeBatch(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  backoff: Backoff = HOT_PATH_BACKOFF,
): Promise<void> {
  const write = async (pending: { PutRequest: { Item: Record<string, unknown> } }[]) => {
    const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
    return (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
  };
  return untilProcessed(
    items.map((Item) => ({ PutRequest: { Item } })),
    write,
    'BatchWriteItem',
    backoff,
  );
}

/**
 * Puts whole items (with their keys), one request per 25 (one PutItem for a single item: the same
 * request, no batch to chase), asking again for the unprocessed ones. Unconditional, like the single puts
 * it stands for.
 */
export function putItems(doc: DynamoDBDocumentClient, tableName: string) {
  return async (all: readonly Record<string, unknown>[]): Promise<void> => {
    // BatchWriteItem refuses a key given twice; as puts one after the other, the last one wins.
    const items = [
      ...new Map(all.map((item) => [`${String(item.pk)}\u0000${String(item.sk)}`, item])).values(),
    ];
    if (items.length === 1) {
      await doc.send(new PutCommand({ TableName: tableName, Item: items[0] }));
      return;
    }
    for (let i = 0; i < items.length; i += BATCH_WRITE_MAX)
      await writeBatch(doc, tableName, items.slice(i, i + BATCH_WRITE_MAX));
  };
}
