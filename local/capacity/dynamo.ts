import { shardOf } from '../../adapters/dynamodb/due-shard';
import { AWS_QUOTAS } from '../../domain/config/scale';
import type { CustomerStore } from '../../domain/ports';
import type { VirtualClock } from './clock';
import { LATENCY_MS } from './latency';

export interface DynamoStats {
  reads: number;
  writes: number;
  /** Requests over a partition's per-second throughput: the SDK backs off and tries again. */
  throttles: number;
  /** The busiest partition key other than the due shards' (a customer's) in any one second, in units. */
  hottest: { key: string; units: number };
  /** The busiest due-index shard (shared by its customers: its load grows with the population). */
  hottestDue: { key: string; units: number };
}

/** Methods whose name says they read; every other method writes. */
const READS = /^(get|list|find|query|scan|read)/;
/** Writes that also change the due index (a second write, on the customer's due shard). */
const INDEXED = new Set(['putProfile', 'deleteCustomer']);

/**
 * DynamoDB in virtual time, over the in-memory store: each call takes LATENCY_MS.dynamo, and is charged
 * one unit (items are under 1 KB, reads strongly consistent: conservative) on its partition key, the
 * customer; writes that change the due index on the customer's due shard as well. A partition over
 * AWS_QUOTAS.dynamoPartition in one second throttles: the call waits for the next second, as the SDK's
 * back-off does, and is counted.
 */
export function modelledStore<S extends CustomerStore>(
  inner: S,
  clock: VirtualClock,
  options: { dueShards: number; partition?: { readUnits: number; writeUnits: number } },
): { store: CustomerStore; stats: DynamoStats } {
  const limits = options.partition ?? AWS_QUOTAS.dynamoPartition;
  const stats: DynamoStats = {
    reads: 0,
    writes: 0,
    throttles: 0,
    hottest: { key: '', units: 0 },
    hottestDue: { key: '', units: 0 },
  };
  const charge = partitionCharges(clock, limits, stats);
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      const write = !READS.test(name);
      // A due shard is read in pages (an async iterable): each page is one Query on its partition.
      if (name === 'listDueShard')
        return (...args: unknown[]) =>
          pagesOf((value as (...a: unknown[]) => AsyncIterable<unknown>).apply(target, args), async () => {
            await clock.sleep(LATENCY_MS.dynamo);
            for (let wait = charge(`due#${String(args[0])}`, false); wait > 0;) {
              await clock.sleep(wait);
              wait = charge(`due#${String(args[0])}`, false);
            }
            stats.reads++;
          });
      return async (...args: unknown[]) => {
        // The lease is one item, whoever holds it.
        const customer = name.endsWith('SweepLease') ? 'sweep-lease' : customerOf(args[0]);
        await clock.sleep(LATENCY_MS.dynamo);
        const keys = [customer, ...(write && INDEXED.has(name) ? [dueKey(customer, options.dueShards)] : [])];
        for (let wait = keys.map((k) => charge(k, write)).reduce((a, b) => Math.max(a, b), 0); wait > 0;) {
          await clock.sleep(wait);
          wait = keys.map((k) => charge(k, write)).reduce((a, b) => Math.max(a, b), 0);
        }
        if (write) stats.writes++;
        else stats.reads++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, stats };
}

/**
 * Charges a unit on `key`, counted per partition and second in `stats`; the milliseconds to wait first
 * when its partition is full this second.
 */
function partitionCharges(
  clock: VirtualClock,
  limits: { readUnits: number; writeUnits: number },
  stats: DynamoStats,
): (key: string, write: boolean) => number {
  let second = -1;
  let used = new Map<string, number>();
  return (key, write) => {
    const now = clock.now();
    const s = Math.floor(now / 1000);
    if (s !== second) [second, used] = [s, new Map()];
    const k = `${write ? 'w' : 'r'}:${key}`;
    const units = (used.get(k) ?? 0) + 1;
    if (units > (write ? limits.writeUnits : limits.readUnits)) {
      stats.throttles++;
      return (s + 1) * 1000 - now;
    }
    used.set(k, units);
    if (!key.startsWith('due#')) {
      if (units > stats.hottest.units) stats.hottest = { key: k, units };
    } else if (units > stats.hottestDue.units) stats.hottestDue = { key: k, units };
    return 0;
  };
}

async function* pagesOf<T>(pages: AsyncIterable<T>, beforeEach: () => Promise<void>): AsyncIterable<T> {
  for await (const page of pages) {
    await beforeEach();
    yield page;
  }
}

function customerOf(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  const id = (arg as { customerId?: unknown } | undefined)?.customerId;
  return typeof id === 'string' ? id : 'table';
}

/** The due shard's partition key (scale.dueShards shards, as the store writes them). */
function dueKey(customerId: string, dueShards: number): string {
  return `due#${shardOf(customerId, dueShards)}`;
}
