import { CLAIM_DUE, dueIndexValue } from '../../domain/due';
import { DEFAULT_SCALE } from '../../domain/config/scale';
import { shardOf } from '../dynamodb/due-shard';
import { byteOrder, DueIndex, mergeInIndexOrder, sideBySide, workKey } from './due-index';
import { memoryExperiments } from './experiments';
import { definedOnly, Items, jsonBytes, listBytes, type StoreMeter } from './items';
import { VersionConflictError } from '../../domain/errors';
import type {
  AddressUse,
  AwaitRecord,
  CustomerStore,
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

export { memoryPublisher, memoryStarter } from './starter';

/** One customer's items besides the profile, each keyed as its DynamoDB sort key orders it. */
interface CustomerItems {
  eventIds: Set<string>;
  messages: Items<MessageRecord>;
  decisions: Items<DecisionRecord>;
  /** By `journeyId#executionName`, the order of the adapter's `JOURNEY#…` sort keys. */
  entries: Items<JourneyEntryRecord>;
  awaits: Items<AwaitRecord>;
}

/**
 * An in-memory CustomerStore with the same semantics as the DynamoDB adapter (tests/contract holds both to
 * one contract): for replays and simulations of whole populations and for property tests. Every item is
 * kept under its customer, so a customer's reads cost what that customer has, never the population.
 * Handler and end-to-end tests use dynalite instead. With a meter, every request is told to it with the
 * bytes it moved, each record measured once, when written (see StoreMeter).
 */
export function memoryStore(options: { meter?: StoreMeter; dueShards?: number } = {}): CustomerStore & {
  profiles: Map<string, Profile>;
  events: Map<string, StoredEvent>;
  /** The due index itself (customer id → due value): tests plant legacy entries; a replay asks its earliest. */
  due: Map<string, string> & { earliest(): string | undefined };
  /** The claims in the due index ("customer/event"), at CLAIM_DUE, as in the DynamoDB adapter. */
  claimsDue: Set<string>;
} {
  const profiles = new Items<Profile>();
  const events = new Items<StoredEvent>();
  const customers = new Map<string, CustomerItems>();
  const tombstones = new Items<TombstoneRecord>();
  const pacing = new Items<PacingRecord>();
  const suppressions = new Items<SuppressionRecord>();
  /** Address key → the customers messaged there. */
  const addresses = new Map<string, Set<string>>();
  // The due-time index, like the DynamoDB GSI: only customers with something due are in it.
  const { meter, dueShards = DEFAULT_SCALE.dueShards } = options;
  const due = new DueIndex(dueShards);
  const claimsDue = new Set<string>();
  const experiments = memoryExperiments((c, k) => customers.get(c)?.decisions.get(k));
  /** The sweep coordinator's lease item (see takeSweepLease). */
  let sweepLease: { holder?: string; leaseUntil?: string; cursors: SweepCursors } = { cursors: {} };
  const itemsOf = (customerId: string): CustomerItems => {
    let items = customers.get(customerId);
    if (!items) {
      items = {
        eventIds: new Set(),
        messages: new Items(),
        decisions: new Items(),
        entries: new Items(),
        awaits: new Items(),
      };
      customers.set(customerId, items);
    }
    return items;
  };
  /** A write request of `record` (nothing: a key only), told to the meter; the record's size, if metered. */
  const wrote = (record: object | undefined, indexed = false): number | undefined => {
    if (meter === undefined) return undefined;
    const bytes = jsonBytes(record);
    meter.wrote(bytes, indexed);
    return bytes;
  };
  /** Keeps a private copy, measured once (on a metered store): no read serializes it again. */
  const keep = <T>(items: Items<T>, key: string, record: T, bytes: number | undefined): void => {
    if (bytes === undefined) items.set(key, stored(record));
    else items.keep(key, stored(record), bytes);
  };
  const put = <T extends object>(items: Items<T>, key: string, record: T) =>
    keep(items, key, record, wrote(record));
  /** A read of one record: a private copy out, its size told to the meter. */
  const readOne = <T>(items: Items<T> | undefined, key: string): T | undefined => {
    const record = items?.get(key);
    meter?.read(record === undefined ? 0 : items!.bytes(key));
    return record === undefined ? undefined : stored(record);
  };
  /** A query's read of these records: private copies out, their list's size told to the meter. */
  const readAll = <T>(items: Items<T> | undefined, keys: string[]): T[] => {
    meter?.read(listBytes(keys.map((key) => items!.bytes(key))));
    return keys.map((key) => stored(items!.get(key)!));
  };
  /**
   * Each shard's items up to `until`, in index order: its claims first, then its due customers. Reads
   * only what is due: a sweep costs the work it finds, whatever the population.
   */
  const shardsUpTo = (until: string): DueWork[][] =>
    Array.from({ length: dueShards }, (_, shard) => shardUpTo(shard, until));
  /** One shard's part of shardsUpTo; with `after`, only its customers past that place. */
  const shardUpTo = (shard: number, until: string, after?: DuePlace): DueWork[] => {
    const claims: [string, DueWork][] = [];
    for (const key of CLAIM_DUE <= until && after === undefined ? claimsDue : []) {
      const record = events.get(key);
      if (record && shardOf(record.customerId, dueShards) === shard)
        claims.push([CLAIM_DUE, { kind: 'claim', customerId: record.customerId, eventId: record.eventId }]);
    }
    claims.sort(([, a], [, b]) => byteOrder(workKey(a), workKey(b)));
    const customers = due
      .dueIn(shard, until, after)
      .map(([at, customerId]): [string, DueWork] => [at, { kind: 'customer', customerId, dueAt: at }]);
    return mergeInIndexOrder(claims, customers);
  };
  const setEvent = (r: StoredEvent, bytes: number | undefined) => {
    const key = `${r.customerId}/${r.eventId}`;
    keep(events, key, r, bytes);
    itemsOf(r.customerId).eventIds.add(r.eventId);
    if (r.state === 'claimed' && r.event) claimsDue.add(key);
    else claimsDue.delete(key);
  };
  const deleteEvent = (customerId: string, eventId: string) => {
    events.delete(`${customerId}/${eventId}`);
    claimsDue.delete(`${customerId}/${eventId}`);
    customers.get(customerId)?.eventIds.delete(eventId);
  };
  const remember = ({ key, customerId }: AddressUse) => {
    wrote(undefined);
    const users = addresses.get(key) ?? new Set<string>();
    addresses.set(key, users.add(customerId));
  };
  return {
    profiles,
    events,
    due,
    claimsDue,
    getProfile: async (id) => readOne(profiles, id),
    // Each item is a read of its own, as DynamoDB bills a BatchGetItem (a missing one too).
    getCustomerFacts: async (c, wanted) => {
      const entry = wanted.journeyEntry;
      return definedOnly({
        profile: wanted.profile ? readOne(profiles, c) : undefined,
        pacing: wanted.pacing ? readOne(pacing, c) : undefined,
        event: wanted.eventId === undefined ? undefined : readOne(events, `${c}/${wanted.eventId}`),
        message:
          wanted.messageKey === undefined
            ? undefined
            : readOne(customers.get(c)?.messages, wanted.messageKey),
        journeyEntry: entry
          ? readOne(customers.get(c)?.entries, `${entry.journeyId}#${entry.executionName}`)
          : undefined,
        tombstone: wanted.tombstoneKey === undefined ? undefined : readOne(tombstones, wanted.tombstoneKey),
        suppressions: listed(
          [...new Set(wanted.suppressionKeys)].flatMap((k) => readOne(suppressions, k) ?? []),
        ),
      });
    },
    getPacing: async (id) => readOne(pacing, id),
    putPacing: async (r) => {
      if ((pacing.get(r.customerId)?.version ?? 0) !== r.version - 1)
        throw new VersionConflictError(`pacing version conflict on ${r.customerId}`);
      put(pacing, r.customerId, r);
    },
    getSuppression: async (key) => readOne(suppressions, key),
    putSuppression: async (r) => put(suppressions, r.key, r),
    rememberAddress: async (key, customerId) => remember({ key, customerId }),
    forgetAddress: async (key, customerId) => {
      wrote(undefined);
      const users = addresses.get(key);
      users?.delete(customerId);
      if (users?.size === 0) addresses.delete(key);
    },
    listAddressUsers: async (key) => {
      const users = [...(addresses.get(key) ?? [])].sort(byteOrder);
      meter?.read(jsonBytes(users));
      return users;
    },
    listAllJourneyEntries: async (c) => {
      const entries = customers.get(c)?.entries;
      return readAll(entries, sortedKeys(entries));
    },
    deleteCustomer: async (c) => {
      const deleted = deleteCustomer(c);
      // The request, then one delete per item.
      for (let n = 0; n <= deleted; n++) wrote(undefined);
      return deleted;
    },
    putProfile: async (p) => {
      const current = profiles.get(p.customerId);
      if ((current?.version ?? 0) !== p.version - 1)
        throw new VersionConflictError(`version conflict on ${p.customerId}`);
      const indexed = p.dueAt === undefined ? undefined : dueIndexValue(p.dueAt);
      // As the adapter does: an indexed due time is kept in the form the index orders.
      const item = indexed === undefined ? p : { ...p, dueAt: indexed };
      keep(profiles, p.customerId, item, wrote(item, true));
      if (indexed === undefined) due.delete(p.customerId);
      else due.set(p.customerId, indexed);
    },
    listDueWork: async function* (now, pageSize) {
      // Read once (a snapshot): the sweep re-indexes what it takes, behind the adapter's cursor too.
      yield* sideBySide(shardsUpTo(now), pageSize);
    },
    dueShards,
    listDueShard: async function* (shard, now, pageSize, after) {
      yield* sideBySide([shardUpTo(shard, now, after)], pageSize);
    },
    // Not metered: the lease is the deployment's, not a customer's (the simulator counts it once).
    takeSweepLease: async (holder, now, until) => {
      if (sweepLease.leaseUntil !== undefined && sweepLease.leaseUntil > now) return undefined;
      sweepLease = { ...sweepLease, holder, leaseUntil: until };
      return stored(sweepLease.cursors);
    },
    leaveSweepLease: async (holder, cursors) => {
      if (sweepLease.holder !== holder) return false;
      sweepLease = { cursors: stored(cursors) };
      return true;
    },
    getEvent: async (c, e) => readOne(events, `${c}/${e}`),
    writeEvent: async (r, holder) => {
      const bytes = wrote(r, true);
      const held = events.get(`${r.customerId}/${r.eventId}`);
      const claimedBy = held?.state === 'claimed' ? held.claimId : undefined;
      if (holder === undefined ? held !== undefined : claimedBy !== holder) return false;
      setEvent(r, bytes);
      return true;
    },
    releaseEvent: async (c, e, holder) => {
      wrote(undefined, true);
      const held = events.get(`${c}/${e}`);
      if (held?.state === 'claimed' && held.claimId === holder) deleteEvent(c, e);
    },
    listClaims: async function* (pageSize) {
      for (const page of sideBySide(shardsUpTo(CLAIM_DUE), pageSize)) {
        const claims = page.flatMap((w) =>
          w.kind === 'claim' ? [{ customerId: w.customerId, eventId: w.eventId }] : [],
        );
        if (claims.length > 0) yield claims;
      }
    },
    getTombstone: async (key) => readOne(tombstones, key),
    putTombstone: async (r) => put(tombstones, r.key, r),
    getMessage: async (c, k) => readOne(customers.get(c)?.messages, k),
    claimMessage: async (r) => {
      const bytes = wrote(r);
      const messages = itemsOf(r.customerId).messages;
      const held = messages.get(r.messageKey);
      if (held && held.status !== 'deferred') return false;
      keep(messages, r.messageKey, r, bytes);
      return true;
    },
    updateMessage: async (r) => put(itemsOf(r.customerId).messages, r.messageKey, r),
    settleClaim: async (r, claimedAt) => {
      const bytes = wrote(r);
      const messages = customers.get(r.customerId)?.messages;
      const held = messages?.get(r.messageKey);
      if (!messages || held?.status !== 'sending' || held.claimedAt !== claimedAt) return false;
      keep(messages, r.messageKey, r, bytes);
      return true;
    },
    listJourneyEntries: async (c, j) => {
      // Sort-key order first, then by entry time (a stable sort), as the adapter's query and sort give.
      const entries = customers.get(c)?.entries;
      const keys = sortedKeys(entries, `${j}#`);
      keys.sort((a, b) => entries!.get(a)!.enteredAt.localeCompare(entries!.get(b)!.enteredAt));
      return readAll(entries, keys);
    },
    // Each item a write of its own, as DynamoDB bills a BatchWriteItem.
    putJourneyEntries: async (records, uses = []) => {
      for (const r of records) put(itemsOf(r.customerId).entries, `${r.journeyId}#${r.executionName}`, r);
      uses.forEach(remember);
    },
    recordJourneyEnd: async ({ customerId, journeyId, executionName }, ended) => {
      const entries = customers.get(customerId)?.entries;
      const key = `${journeyId}#${executionName}`;
      const entry = entries?.get(key);
      if (!entries || !entry || entry.ended) {
        wrote(undefined);
        return false;
      }
      put(entries, key, { ...stored(entry), ended });
      return true;
    },
    putAwait: async (r) => put(itemsOf(r.customerId).awaits, r.awaitKey, r),
    listAwaits: async (c, e) => {
      const awaits = customers.get(c)?.awaits;
      return readAll(awaits, sortedKeys(awaits, `${e}#`));
    },
    deleteAwait: async (c, k) => {
      wrote(undefined);
      customers.get(c)?.awaits.delete(k);
    },
    recordDecision: async (r) => {
      const bytes = wrote(r);
      const decisions = itemsOf(r.customerId).decisions;
      if (!decisions.has(r.decisionKey)) {
        keep(decisions, r.decisionKey, r, bytes);
        experiments.exposed(r);
      }
      return stored(decisions.get(r.decisionKey)!);
    },
    getDecision: async (c, k) => readOne(customers.get(c)?.decisions, k),
    ...experiments.parts,
    releaseMessage: async (c, k) => {
      wrote(undefined);
      const messages = customers.get(c)?.messages;
      if (messages?.get(k)?.status === 'sending') messages.delete(k);
    },
  };

  /** Every item in the customer's partition, as the adapter counts them: profile, pacing and the rest. */
  function deleteCustomer(customerId: string): number {
    let deleted = (profiles.delete(customerId) ? 1 : 0) + (pacing.delete(customerId) ? 1 : 0);
    due.delete(customerId);
    const items = customers.get(customerId);
    if (!items) return deleted;
    deleted += items.eventIds.size + items.messages.size + items.decisions.size;
    for (const eventId of [...items.eventIds]) deleteEvent(customerId, eventId);
    deleted += items.entries.size + items.awaits.size;
    customers.delete(customerId);
    return deleted;
  }
}

/** A list part of getCustomerFacts: absent when empty, as the adapter leaves it. */
function listed<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/** The keys that start with `prefix`, in key (DynamoDB sort key) order. */
function sortedKeys(items: Map<string, unknown> | undefined, prefix = ''): string[] {
  if (!items) return [];
  const keys: string[] = [];
  for (const key of items.keys()) if (key.startsWith(prefix)) keys.push(key);
  return keys.sort(byteOrder);
}

/**
 * A record as DynamoDB gives it back: a deep copy without undefined values (the adapter's client drops
 * them from maps and lists alike), so no caller shares an object with the store.
 */
function stored<T>(value: T): T {
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
