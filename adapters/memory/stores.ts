import BTree from 'sorted-btree';
import { CLAIM_DUE, dueIndexValue } from '../../domain/due';
import { DUE_SHARDS, shardOf } from '../dynamodb/due-shard';
import { VersionConflictError } from '../../domain/errors';
import type { JourneyInput } from '../../domain/journey/compile';
import type {
  AwaitRecord,
  CustomerStore,
  DecisionRecord,
  DueWork,
  JourneyEntryRecord,
  JourneyStarter,
  LifecycleChange,
  LifecyclePublisher,
  MessageRecord,
  StoredEvent,
  SuppressionRecord,
  TombstoneRecord,
} from '../../domain/ports';
import type { PacingRecord } from '../../domain/messages/policy';
import type { Profile } from '../../domain/profile/profile';

/** One customer's items besides the profile, each keyed as its DynamoDB sort key orders it. */
interface CustomerItems {
  eventIds: Set<string>;
  messages: Map<string, MessageRecord>;
  decisions: Map<string, DecisionRecord>;
  /** By `journeyId#executionName`, the order of the adapter's `JOURNEY#…` sort keys. */
  entries: Map<string, JourneyEntryRecord>;
  awaits: Map<string, AwaitRecord>;
}

/**
 * An in-memory CustomerStore with the same semantics as the DynamoDB adapter (tests/contract holds both to
 * one contract): for replays and simulations of whole populations and for property tests. Every item is
 * kept under its customer, so a customer's reads cost what that customer has, never the population.
 * Handler and end-to-end tests use dynalite instead.
 */
export function memoryStore(): CustomerStore & {
  profiles: Map<string, Profile>;
  events: Map<string, StoredEvent>;
  /** The due index itself (customer id → due value): tests plant legacy entries; a replay asks its earliest. */
  due: Map<string, string> & { earliest(): string | undefined };
  /** The claims in the due index ("customer/event"), at CLAIM_DUE, as in the DynamoDB adapter. */
  claimsDue: Set<string>;
} {
  const profiles = new Map<string, Profile>();
  const events = new Map<string, StoredEvent>();
  const customers = new Map<string, CustomerItems>();
  const tombstones = new Map<string, TombstoneRecord>();
  const pacing = new Map<string, PacingRecord>();
  const suppressions = new Map<string, SuppressionRecord>();
  /** Address key → the customers messaged there. */
  const addresses = new Map<string, Set<string>>();
  // The due-time index, like the DynamoDB GSI: only customers with something due are in it.
  const due = new DueIndex();
  const claimsDue = new Set<string>();
  const itemsOf = (customerId: string): CustomerItems => {
    let items = customers.get(customerId);
    if (!items) {
      items = {
        eventIds: new Set(),
        messages: new Map(),
        decisions: new Map(),
        entries: new Map(),
        awaits: new Map(),
      };
      customers.set(customerId, items);
    }
    return items;
  };
  /**
   * Each shard's items up to `until`, in index order: its claims first, then its due customers. Reads
   * only what is due: a sweep costs the work it finds, whatever the population.
   */
  const shardsUpTo = (until: string): DueWork[][] => {
    const claims = Array.from({ length: DUE_SHARDS }, (): [string, DueWork][] => []);
    for (const key of CLAIM_DUE <= until ? claimsDue : []) {
      const record = events.get(key);
      if (record)
        claims[shardOf(record.customerId)]!.push([
          CLAIM_DUE,
          { kind: 'claim', customerId: record.customerId, eventId: record.eventId },
        ]);
    }
    return claims.map((shardClaims, shard) => {
      shardClaims.sort(([, a], [, b]) => byteOrder(workKey(a), workKey(b)));
      const customers: [string, DueWork][] = [];
      for (const [[of, at], customerId] of due.ordered.entries([shard, '', ''])) {
        if (of !== shard || at > until) break;
        customers.push([at, { kind: 'customer', customerId }]);
      }
      return mergeInIndexOrder(shardClaims, customers);
    });
  };
  const setEvent = (r: StoredEvent) => {
    const key = `${r.customerId}/${r.eventId}`;
    events.set(key, stored(r));
    itemsOf(r.customerId).eventIds.add(r.eventId);
    if (r.state === 'claimed' && r.event) claimsDue.add(key);
    else claimsDue.delete(key);
  };
  const deleteEvent = (customerId: string, eventId: string) => {
    events.delete(`${customerId}/${eventId}`);
    claimsDue.delete(`${customerId}/${eventId}`);
    customers.get(customerId)?.eventIds.delete(eventId);
  };
  return {
    profiles,
    events,
    due,
    claimsDue,
    getProfile: async (id) => copy(profiles.get(id)),
    getPacing: async (id) => copy(pacing.get(id)),
    putPacing: async (r) => {
      if ((pacing.get(r.customerId)?.version ?? 0) !== r.version - 1)
        throw new VersionConflictError(`pacing version conflict on ${r.customerId}`);
      pacing.set(r.customerId, stored(r));
    },
    getSuppression: async (key) => copy(suppressions.get(key)),
    putSuppression: async (r) => void suppressions.set(r.key, stored(r)),
    rememberAddress: async (key, customerId) => {
      const users = addresses.get(key) ?? new Set<string>();
      addresses.set(key, users.add(customerId));
    },
    forgetAddress: async (key, customerId) => {
      const users = addresses.get(key);
      users?.delete(customerId);
      if (users?.size === 0) addresses.delete(key);
    },
    listAddressUsers: async (key) => [...(addresses.get(key) ?? [])].sort(byteOrder),
    listAllJourneyEntries: async (c) => sortedValues(customers.get(c)?.entries).map(copyOf),
    deleteCustomer: async (c) => deleteCustomer(c),
    putProfile: async (p) => {
      const current = profiles.get(p.customerId);
      if ((current?.version ?? 0) !== p.version - 1)
        throw new VersionConflictError(`version conflict on ${p.customerId}`);
      const indexed = p.dueAt === undefined ? undefined : dueIndexValue(p.dueAt);
      // As the adapter does: an indexed due time is kept in the form the index orders.
      profiles.set(p.customerId, stored(indexed === undefined ? p : { ...p, dueAt: indexed }));
      if (indexed === undefined) due.delete(p.customerId);
      else due.set(p.customerId, indexed);
    },
    listDueWork: async function* (now, pageSize) {
      // Read once (a snapshot): the sweep re-indexes what it takes, behind the adapter's cursor too.
      yield* sideBySide(shardsUpTo(now), pageSize);
    },
    getEvent: async (c, e) => copy(events.get(`${c}/${e}`)),
    writeEvent: async (r, holder) => {
      const held = events.get(`${r.customerId}/${r.eventId}`);
      const claimedBy = held?.state === 'claimed' ? held.claimId : undefined;
      if (holder === undefined ? held !== undefined : claimedBy !== holder) return false;
      setEvent(r);
      return true;
    },
    releaseEvent: async (c, e, holder) => {
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
    getTombstone: async (key) => copy(tombstones.get(key)),
    putTombstone: async (r) => void tombstones.set(r.key, stored(r)),
    getMessage: async (c, k) => copy(customers.get(c)?.messages.get(k)),
    claimMessage: async (r) => {
      const messages = itemsOf(r.customerId).messages;
      const held = messages.get(r.messageKey);
      if (held && held.status !== 'deferred') return false;
      messages.set(r.messageKey, stored(r));
      return true;
    },
    updateMessage: async (r) => void itemsOf(r.customerId).messages.set(r.messageKey, stored(r)),
    settleClaim: async (r, claimedAt) => {
      const messages = customers.get(r.customerId)?.messages;
      const held = messages?.get(r.messageKey);
      if (!messages || held?.status !== 'sending' || held.claimedAt !== claimedAt) return false;
      messages.set(r.messageKey, stored(r));
      return true;
    },
    listJourneyEntries: async (c, j) =>
      // Sort-key order first, then by entry time (a stable sort), as the adapter's query and sort give.
      sortedValues(customers.get(c)?.entries, `${j}#`)
        .sort((a, b) => a.enteredAt.localeCompare(b.enteredAt))
        .map(copyOf),
    putJourneyEntry: async (r) =>
      void itemsOf(r.customerId).entries.set(`${r.journeyId}#${r.executionName}`, stored(r)),
    putAwait: async (r) => void itemsOf(r.customerId).awaits.set(r.awaitKey, stored(r)),
    listAwaits: async (c, e) => sortedValues(customers.get(c)?.awaits, `${e}#`).map(copyOf),
    deleteAwait: async (c, k) => void customers.get(c)?.awaits.delete(k),
    recordDecision: async (r) => {
      const decisions = itemsOf(r.customerId).decisions;
      if (!decisions.has(r.decisionKey)) decisions.set(r.decisionKey, stored(r));
      return copyOf(decisions.get(r.decisionKey)!);
    },
    releaseMessage: async (c, k) => {
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

/** Records starts by name with Step Functions' semantics: a name starts at most one execution. */
export function memoryStarter(): JourneyStarter & { started: Map<string, JourneyInput>; stopped: string[] } {
  const started = new Map<string, JourneyInput>();
  const stopped: string[] = [];
  return {
    started,
    stopped,
    stop: async (executionArn) => void stopped.push(executionArn),
    resume: async () => 'gone' as const,
    start: async ({ executionName, input }) => {
      const alreadyStarted = started.has(executionName);
      if (!alreadyStarted) started.set(executionName, structuredClone(input));
      return { executionArn: `arn:test:execution:${executionName}`, alreadyStarted };
    },
  };
}

/** Keeps what was announced, in order, repeats included (the bus is at least once too). */
export function memoryPublisher(): LifecyclePublisher & { published: LifecycleChange[] } {
  const published: LifecycleChange[] = [];
  return { published, publish: async (changes) => void published.push(...structuredClone(changes)) };
}

/** The table key an index entry ties on (the customer's profile, or the event's record). */
function workKey(work: DueWork): string {
  return work.kind === 'claim' ? `${work.customerId}/EVENT#${work.eventId}` : profileKey(work.customerId);
}

const profileKey = (customerId: string) => `${customerId}/PROFILE`;

/** DynamoDB compares string keys by their bytes; for the ASCII keys Rapport writes, that is code-unit order. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Customer id → due value, as tests read and plant it, kept in index order as well (due value, then
 * table key, as the GSI orders ties), so that reading what is due never walks the customers not yet due.
 */
class DueIndex extends Map<string, string> {
  /** (shard, due value, table key) → customer id. */
  readonly ordered = new BTree<[number, string, string], string>(
    undefined,
    (a, b) => a[0] - b[0] || byteOrder(a[1], b[1]) || byteOrder(a[2], b[2]),
  );

  override set(customerId: string, at: string): this {
    this.unindex(customerId);
    this.ordered.set([shardOf(customerId), at, profileKey(customerId)], customerId);
    return super.set(customerId, at);
  }

  override delete(customerId: string): boolean {
    this.unindex(customerId);
    return super.delete(customerId);
  }

  private unindex(customerId: string): void {
    const before = super.get(customerId);
    if (before !== undefined) this.ordered.delete([shardOf(customerId), before, profileKey(customerId)]);
  }

  override clear(): void {
    this.ordered.clear();
    super.clear();
  }

  /** The earliest due value in any shard: a replay skips the sweeps that would find no one due. */
  earliest(): string | undefined {
    let earliest: string | undefined;
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      // No due value is empty, so this is before every item of the shard.
      const first = this.ordered.nextHigherKey([shard, '', '']);
      if (first?.[0] === shard && (earliest === undefined || byteOrder(first[1], earliest) < 0))
        earliest = first[1];
    }
    return earliest;
  }
}

const indexOrder = ([x, a]: [string, DueWork], [y, b]: [string, DueWork]) =>
  byteOrder(x, y) || byteOrder(workKey(a), workKey(b));

/**
 * The pages the DynamoDB adapter gives for these shards: it reads every shard side by side, a page of
 * each at a time, and yields the pages that hold work, shard by shard, round by round.
 */
function* sideBySide(shards: DueWork[][], pageSize: number): Generator<DueWork[]> {
  for (let start = 0; shards.some((shard) => shard.length > start); start += pageSize)
    for (const shard of shards) {
      const page = shard.slice(start, start + pageSize);
      if (page.length > 0) yield page;
    }
}

/** Two runs of index entries, each in index order, as one run in index order. */
function mergeInIndexOrder(a: [string, DueWork][], b: [string, DueWork][]): DueWork[] {
  const out: DueWork[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && (y === undefined || indexOrder(x, y) <= 0)) {
      out.push(x[1]);
      i++;
    } else if (y !== undefined) {
      out.push(y[1]);
      j++;
    }
  }
  return out;
}

/** The values whose key starts with `prefix`, in key (DynamoDB sort key) order. */
function sortedValues<T>(items: Map<string, T> | undefined, prefix = ''): T[] {
  if (!items) return [];
  return [...items]
    .filter(([key]) => key.startsWith(prefix))
    .sort(([a], [b]) => byteOrder(a, b))
    .map(([, value]) => value);
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

const copyOf = <T>(value: T): T => stored(value);
const copy = <T>(value: T | undefined): T | undefined => (value === undefined ? undefined : stored(value));
