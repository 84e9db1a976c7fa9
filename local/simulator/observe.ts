import { DUE_SHARDS } from '../../adapters/dynamodb/table';
import type { CustomerStore, DecisionRecord, JourneyEntryRecord, MessageRecord } from '../../domain/ports';
import type { Tally } from './tally';

/** What the simulation saw the handlers write: the raw material of its result. */
export interface Observations {
  tally: Tally;
  /** Every message sent and skipped: kept only when asked for (the fidelity test), counted always. */
  sent: MessageRecord[];
  skipped: MessageRecord[];
  readRequestUnits: number;
  writeRequestUnits: number;
}

const READS = new Set([
  'getProfile',
  'getEvent',
  'getTombstone',
  'getMessage',
  'listJourneyEntries',
  'listAwaits',
  'getPacing',
  'getSuppression',
  'listAddressUsers',
  'listAllJourneyEntries',
]);
/** Writes whose item enters the sparse due index too: DynamoDB bills the index write as well. */
const INDEXED = new Set(['putProfile', 'writeEvent', 'releaseEvent']);

const bytes = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
/** Strongly consistent reads: one unit per 4 KB (at least one); writes: one per 1 KB (at least one). */
const readUnits = (value: unknown) => Math.max(1, Math.ceil(bytes(value) / 4096));
const writeUnits = (value: unknown) => Math.max(1, Math.ceil(bytes(value) / 1024));

/**
 * The store as the handlers use it, watched: every call is priced in DynamoDB request units as the
 * DynamoDB adapter would make it (item sizes measured as JSON; a due-index read is one query per shard),
 * and what the cost forecast and the result need (messages sent and skipped, split decisions, journey
 * entries and their conversions) is kept as it is written.
 */
export function observedStore<S extends CustomerStore>(
  store: S,
  tally: Tally,
  options: { keepMessages?: boolean; countsSweep?: boolean } = {},
): { store: S; seen: Observations } {
  const seen: Observations = { tally, sent: [], skipped: [], readRequestUnits: 0, writeRequestUnits: 0 };
  const keep = options.keepMessages === true;
  const watched = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      if (name === 'listDueWork' || name === 'listClaims')
        return indexReads(value, target, seen, options.countsSweep !== false);
      return async (...args: unknown[]) => {
        const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        account(name, args, result, seen, keep);
        return result;
      };
    },
  });
  return { store: watched, seen };
}

function account(name: string, args: unknown[], result: unknown, seen: Observations, keep: boolean): void {
  if (READS.has(name)) {
    seen.readRequestUnits += readUnits(result);
    return;
  }
  const [record] = args;
  seen.writeRequestUnits += writeUnits(record) * (INDEXED.has(name) ? 2 : 1);
  if (name === 'deleteCustomer') seen.writeRequestUnits += Number(result) || 0;
  const message = record as MessageRecord;
  if (name === 'claimMessage' && result === true && message.status === 'skipped') {
    seen.tally.skipped(message);
    if (keep) seen.skipped.push(message);
  }
  if (name === 'updateMessage' && message.status === 'sent') {
    seen.tally.sent(message);
    if (keep) seen.sent.push(message);
  }
  if (name === 'recordDecision') seen.tally.decision(result as DecisionRecord);
  if (name === 'putJourneyEntry') seen.tally.entry(record as JourneyEntryRecord);
}

/** A due-index listing: one query per shard per pass, plus the pages' sizes. */
function indexReads(fn: unknown, target: CustomerStore, seen: Observations, countsQueries: boolean) {
  return (...args: unknown[]) => {
    const pages = (fn as (...a: unknown[]) => AsyncIterable<unknown[]>).apply(target, args);
    return (async function* () {
      if (countsQueries) seen.readRequestUnits += DUE_SHARDS;
      for await (const page of pages) {
        seen.readRequestUnits += Math.ceil(bytes(page) / 4096);
        yield page;
      }
    })();
  };
}
