import { jsonBytes, type StoreMeter } from '../../adapters/memory/items';
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
  /** Of those, what the sweep costs per deployment (lease, one query a shard): see Usage.dynamodb. */
  sweepReadRequestUnits: number;
  sweepWriteRequestUnits: number;
}

/** The calls whose records the result is made of; every other call goes to the store untouched. */
const TALLIED = new Set(['claimMessage', 'settleClaim', 'recordDecision', 'putJourneyEntries']);
/** The sweep coordinator's lease: one item per deployment, counted once, as the sweep's queries are. */
const LEASE_WRITES = new Set(['takeSweepLease', 'leaveSweepLease']);
/**
 * One shard's cursor in the lease item, as JSON. The item is billed as if every shard had one, as it has
 * once the population is large: a part of a population, which has cursors in fewer shards, bills the same.
 */
const CURSOR_BYTES = jsonBytes({
  '63': {
    dueAt: '2026-01-01T00:00:00.000Z',
    customerId: 'c'.repeat(36),
    handedOutAt: '2026-01-01T00:00:00.000Z',
  },
});
/** The due-index reads, priced by their queries and pages. */
const INDEX_READS = new Set(['listDueWork', 'listClaims', 'listDueShard']);

/**
 * Prices requests in DynamoDB request units, as the DynamoDB adapter would make them, from the sizes the
 * store tells (items measured as JSON). Strongly consistent reads: one unit per 4 KB of the result (at
 * least one); writes: one per 1 KB of the item (at least one), twice for an item in the due index.
 */
function requestUnits(seen: Observations): StoreMeter {
  return {
    read: (size) => void (seen.readRequestUnits += Math.max(1, Math.ceil(size / 4096))),
    wrote: (size, indexed) =>
      void (seen.writeRequestUnits += Math.max(1, Math.ceil(size / 1024)) * (indexed ? 2 : 1)),
  };
}

/**
 * The store as the handlers use it, watched: built with a meter, so that every call is priced as it is
 * made (a due-index read is one query per shard, plus its pages), and what the cost forecast and the
 * result need (messages sent and skipped, split decisions, journey entries and their conversions) is kept
 * as it is written.
 */
export function observedStore<S extends CustomerStore>(
  build: (meter: StoreMeter) => S,
  tally: Tally,
  options: { keepMessages?: boolean; countsSweep?: boolean } = {},
): { store: S; seen: Observations } {
  const seen: Observations = {
    tally,
    sent: [],
    skipped: [],
    readRequestUnits: 0,
    writeRequestUnits: 0,
    sweepReadRequestUnits: 0,
    sweepWriteRequestUnits: 0,
  };
  const store = build(requestUnits(seen));
  const keep = options.keepMessages === true;
  // One wrapper a method, made when first asked for: a call through the store costs no new closure.
  const wrappers = new Map<string, unknown>();
  const wrap = (name: string, fn: (...a: unknown[]) => unknown): unknown => {
    if (LEASE_WRITES.has(name))
      return async (...args: unknown[]) => {
        // A conditional put of the whole item, billed whether or not its condition holds (a take reads it
        // first: one read unit a KB of 4).
        if (options.countsSweep !== false) {
          const bytes = store.dueShards * CURSOR_BYTES;
          const written = Math.ceil(bytes / 1024);
          const read = name === 'takeSweepLease' ? Math.ceil(bytes / 4096) : 0;
          seen.writeRequestUnits += written;
          seen.sweepWriteRequestUnits += written;
          seen.readRequestUnits += read;
          seen.sweepReadRequestUnits += read;
        }
        return fn.apply(store, args);
      };
    if (INDEX_READS.has(name))
      return indexReads(fn, store, seen, {
        countsQueries: options.countsSweep !== false,
        queries: name === 'listDueShard' ? 1 : store.dueShards,
      });
    return async (...args: unknown[]) => {
      const result = await fn.apply(store, args);
      account(name, args[0], result, seen, keep);
      return result;
    };
  };
  const watched = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      if (!TALLIED.has(name) && !INDEX_READS.has(name) && !LEASE_WRITES.has(name)) return value;
      let wrapper = wrappers.get(name);
      if (wrapper === undefined) wrappers.set(name, (wrapper = wrap(name, value as () => unknown)));
      return wrapper;
    },
  });
  return { store: watched, seen };
}

function account(name: string, record: unknown, result: unknown, seen: Observations, keep: boolean): void {
  const message = record as MessageRecord;
  if (name === 'claimMessage' && result === true && message.status === 'skipped') {
    seen.tally.skipped(message);
    if (keep) seen.skipped.push(message);
  }
  // A send's outcome replaces its claim only while the claim is there (settleClaim; messages/erased.ts).
  if (name === 'settleClaim' && result === true && message.status === 'sent') {
    seen.tally.sent(message);
    if (keep) seen.sent.push(message);
  }
  if (name === 'recordDecision') seen.tally.decision(result as DecisionRecord);
  if (name === 'putJourneyEntries')
    for (const entry of record as JourneyEntryRecord[]) seen.tally.entry(entry);
}

/** A due-index listing: one query per shard it reads, plus the pages' sizes. */
function indexReads(
  fn: unknown,
  target: CustomerStore,
  seen: Observations,
  { countsQueries, queries }: { countsQueries: boolean; queries: number },
) {
  return (...args: unknown[]) => {
    const pages = (fn as (...a: unknown[]) => AsyncIterable<unknown[]>).apply(target, args);
    return (async function* () {
      if (countsQueries) {
        seen.readRequestUnits += queries;
        seen.sweepReadRequestUnits += queries;
      }
      for await (const page of pages) {
        seen.readRequestUnits += Math.ceil(jsonBytes(page) / 4096);
        yield page;
      }
    })();
  };
}
