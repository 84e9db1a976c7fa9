import { CLAIM_DUE } from '../../domain/due';
import { shardOf } from '../dynamodb/due-shard';
import { byteOrder, DueIndex, mergeInIndexOrder, workKey } from './due-index';
import { memoryExperiments } from './experiments';
import { Items, jsonBytes, listBytes, type StoreMeter } from './items';
import type {
  AddressUse,
  AwaitRecord,
  DecisionRecord,
  DuePlace,
  DueWork,
  JourneyEntryRecord,
  MessageRecord,
  StoredEvent,
  SuppressionRecord,
  SweepCursors,
  TombstoneRecord,
} from '../../domain/ports';
import type { PacingRecord } from '../../domain/messages/policy';
import type { Profile } from '../../domain/profile/profile';

/** One customer's items besides the profile, each keyed as its DynamoDB sort key orders it. */
export interface CustomerItems {
  eventIds: Set<string>;
  messages: Items<MessageRecord>;
  decisions: Items<DecisionRecord>;
  /** By `journeyId#executionName`, the order of the adapter's `JOURNEY#…` sort keys. */
  entries: Items<JourneyEntryRecord>;
  awaits: Items<AwaitRecord>;
}

/**
 * What the memory store's operations share: its items, every one kept under its customer so that a
 * customer's reads cost what that customer has, and the metering of each request (see StoreMeter).
 */
export class MemoryState {
  readonly profiles = new Items<Profile>();
  readonly events = new Items<StoredEvent>();
  readonly customers = new Map<string, CustomerItems>();
  readonly tombstones = new Items<TombstoneRecord>();
  readonly pacing = new Items<PacingRecord>();
  readonly suppressions = new Items<SuppressionRecord>();
  /** Address key → the customers messaged there. */
  readonly addresses = new Map<string, Set<string>>();
  // The due-time index, like the DynamoDB GSI: only customers with something due are in it.
  readonly due: DueIndex;
  readonly claimsDue = new Set<string>();
  readonly experiments = memoryExperiments((c, k) => this.customers.get(c)?.decisions.get(k));
  /** The sweep coordinator's lease item (see takeSweepLease). */
  sweepLease: { holder?: string; leaseUntil?: string; cursors: SweepCursors } = { cursors: {} };

  constructor(
    readonly meter: StoreMeter | undefined,
    readonly dueShards: number,
  ) {
    this.due = new DueIndex(dueShards);
  }

  itemsOf(customerId: string): CustomerItems {
    let items = this.customers.get(customerId);
    if (!items) {
      items = {
        eventIds: new Set(),
        messages: new Items(),
        decisions: new Items(),
        entries: new Items(),
        awaits: new Items(),
      };
      this.customers.set(customerId, items);
    }
    return items;
  }

  /** A write request of `record` (nothing: a key only), told to the meter; the record's size, if metered. */
  wrote(record: object | undefined, indexed = false): number | undefined {
    if (this.meter === undefined) return undefined;
    const bytes = jsonBytes(record);
    this.meter.wrote(bytes, indexed);
    return bytes;
  }

  /** Keeps a private copy, measured once (on a metered store): no read serializes it again. */
  keep<T>(items: Items<T>, key: string, record: T, bytes: number | undefined): void {
    if (bytes === undefined) items.set(key, stored(record));
    else items.keep(key, stored(record), bytes);
  }

  put<T extends object>(items: Items<T>, key: string, record: T): void {
    this.keep(items, key, record, this.wrote(record));
  }

  /** A read of one record: a private copy out, its size told to the meter. */
  readOne<T>(items: Items<T> | undefined, key: string): T | undefined {
    const record = items?.get(key);
    this.meter?.read(record === undefined ? 0 : items!.bytes(key));
    return record === undefined ? undefined : stored(record);
  }

  /** A query's read of these records: private copies out, their list's size told to the meter. */
  readAll<T>(items: Items<T> | undefined, keys: string[]): T[] {
    this.meter?.read(listBytes(keys.map((key) => items!.bytes(key))));
    return keys.map((key) => stored(items!.get(key)!));
  }

  /**
   * Each shard's items up to `until`, in index order: its claims first, then its due customers. Reads
   * only what is due: a sweep costs the work it finds, whatever the population.
   */
  shardsUpTo(until: string): DueWork[][] {
    return Array.from({ length: this.dueShards }, (_, shard) => this.shardUpTo(shard, until));
  }

  /** One shard's part of shardsUpTo; with `after`, only its customers past that place. */
  shardUpTo(shard: number, until: string, after?: DuePlace): DueWork[] {
    const claims: [string, DueWork][] = [];
    for (const key of CLAIM_DUE <= until && after === undefined ? this.claimsDue : []) {
      const record = this.events.get(key);
      if (record && shardOf(record.customerId, this.dueShards) === shard)
        claims.push([CLAIM_DUE, { kind: 'claim', customerId: record.customerId, eventId: record.eventId }]);
    }
    claims.sort(([, a], [, b]) => byteOrder(workKey(a), workKey(b)));
    const customers = this.due
      .dueIn(shard, until, after)
      .map(([at, customerId]): [string, DueWork] => [at, { kind: 'customer', customerId, dueAt: at }]);
    return mergeInIndexOrder(claims, customers);
  }

  setEvent(r: StoredEvent, bytes: number | undefined): void {
    const key = `${r.customerId}/${r.eventId}`;
    this.keep(this.events, key, r, bytes);
    this.itemsOf(r.customerId).eventIds.add(r.eventId);
    if (r.state === 'claimed' && r.event) this.claimsDue.add(key);
    else this.claimsDue.delete(key);
  }

  deleteEvent(customerId: string, eventId: string): void {
    this.events.delete(`${customerId}/${eventId}`);
    this.claimsDue.delete(`${customerId}/${eventId}`);
    this.customers.get(customerId)?.eventIds.delete(eventId);
  }

  remember({ key, customerId }: AddressUse): void {
    this.wrote(undefined);
    const users = this.addresses.get(key) ?? new Set<string>();
    this.addresses.set(key, users.add(customerId));
  }

  /** Every item in the customer's partition, as the adapter counts them: profile, pacing and the rest. */
  deleteCustomer(customerId: string): number {
    let deleted = (this.profiles.delete(customerId) ? 1 : 0) + (this.pacing.delete(customerId) ? 1 : 0);
    this.due.delete(customerId);
    const items = this.customers.get(customerId);
    if (!items) return deleted;
    deleted += items.eventIds.size + items.messages.size + items.decisions.size;
    for (const eventId of [...items.eventIds]) this.deleteEvent(customerId, eventId);
    deleted += items.entries.size + items.awaits.size;
    this.customers.delete(customerId);
    return deleted;
  }
}

/** The keys that start with `prefix`, in key (DynamoDB sort key) order. */
export function sortedKeys(items: Map<string, unknown> | undefined, prefix = ''): string[] {
  if (!items) return [];
  const keys: string[] = [];
  for (const key of items.keys()) if (key.startsWith(prefix)) keys.push(key);
  return keys.sort(byteOrder);
}

/**
 * A record as DynamoDB gives it back: a deep copy without undefined values (the adapter's client drops
 * them from maps and lists alike), so no caller shares an object with the store.
 */
export function stored<T>(value: T): T {
  return plainCopy(value) as T;
}

// Plain loops, not Object.entries/filter/map: this runs on every read and write of a simulation.
function plainCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value as unknown[]) if (v !== undefined) out.push(plainCopy(v));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = plainCopy(v);
  }
  return out;
}
