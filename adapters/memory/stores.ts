import { CLAIM_DUE, dueIndexValue } from '../../domain/due';
import { DEFAULT_SCALE } from '../../domain/config/scale';
import { byteOrder, sideBySide } from './due-index';
import { decisionOperations, journeyOperations, messageOperations } from './customer-items';
import { definedOnly, jsonBytes, type StoreMeter } from './items';
import { MemoryState, stored } from './state';
import { VersionConflictError } from '../../domain/errors';
import type { CustomerStore, StoredEvent } from '../../domain/ports';
import type { Profile } from '../../domain/profile/profile';
import type { ProfileOperations, AddressOperations, EventOperations } from '../store-parts';

export { memoryPublisher, memoryStarter } from './starter';

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
  const { meter, dueShards = DEFAULT_SCALE.dueShards } = options;
  const s = new MemoryState(meter, dueShards);
  return {
    profiles: s.profiles,
    events: s.events,
    due: s.due,
    claimsDue: s.claimsDue,
    ...profileOperations(s),
    ...addressOperations(s),
    ...dueOperations(s),
    ...eventOperations(s),
    ...messageOperations(s),
    ...journeyOperations(s),
    ...decisionOperations(s),
    ...s.experiments.parts,
  };
}

/** The customer's own items (profile, pacing), the suppressions and tombstones, and erasure. */
function profileOperations(s: MemoryState): ProfileOperations {
  const { profiles, pacing, events, customers, tombstones, suppressions, due } = s;
  return {
    getProfile: async (id) => s.readOne(profiles, id),
    // Each item is a read of its own, as DynamoDB bills a BatchGetItem (a missing one too).
    getCustomerFacts: async (c, wanted) => {
      const entry = wanted.journeyEntry;
      return definedOnly({
        profile: wanted.profile ? s.readOne(profiles, c) : undefined,
        pacing: wanted.pacing ? s.readOne(pacing, c) : undefined,
        event: wanted.eventId === undefined ? undefined : s.readOne(events, `${c}/${wanted.eventId}`),
        message:
          wanted.messageKey === undefined
            ? undefined
            : s.readOne(customers.get(c)?.messages, wanted.messageKey),
        journeyEntry: entry
          ? s.readOne(customers.get(c)?.entries, `${entry.journeyId}#${entry.executionName}`)
          : undefined,
        tombstone: wanted.tombstoneKey === undefined ? undefined : s.readOne(tombstones, wanted.tombstoneKey),
        suppressions: listed(
          [...new Set(wanted.suppressionKeys)].flatMap((k) => s.readOne(suppressions, k) ?? []),
        ),
      });
    },
    putProfile: async (p) => {
      const current = profiles.get(p.customerId);
      if ((current?.version ?? 0) !== p.version - 1)
        throw new VersionConflictError(`version conflict on ${p.customerId}`);
      const indexed = p.dueAt === undefined ? undefined : dueIndexValue(p.dueAt);
      // As the adapter does: an indexed due time is kept in the form the index orders.
      const item = indexed === undefined ? p : { ...p, dueAt: indexed };
      s.keep(profiles, p.customerId, item, s.wrote(item, true));
      if (indexed === undefined) due.delete(p.customerId);
      else due.set(p.customerId, indexed);
    },
    getPacing: async (id) => s.readOne(pacing, id),
    putPacing: async (r) => {
      if ((pacing.get(r.customerId)?.version ?? 0) !== r.version - 1)
        throw new VersionConflictError(`pacing version conflict on ${r.customerId}`);
      s.put(pacing, r.customerId, r);
    },
    getSuppression: async (key) => s.readOne(suppressions, key),
    putSuppression: async (r) => s.put(suppressions, r.key, r),
    getTombstone: async (key) => s.readOne(tombstones, key),
    putTombstone: async (r) => s.put(tombstones, r.key, r),
    deleteCustomer: async (c) => {
      const deleted = s.deleteCustomer(c);
      // The request, then one delete per item.
      for (let n = 0; n <= deleted; n++) s.wrote(undefined);
      return deleted;
    },
  };
}

function addressOperations(s: MemoryState): AddressOperations {
  return {
    rememberAddress: async (key, customerId) => s.remember({ key, customerId }),
    forgetAddress: async (key, customerId) => {
      s.wrote(undefined);
      const users = s.addresses.get(key);
      users?.delete(customerId);
      if (users?.size === 0) s.addresses.delete(key);
    },
    listAddressUsers: async (key) => {
      const users = [...(s.addresses.get(key) ?? [])].sort(byteOrder);
      s.meter?.read(jsonBytes(users));
      return users;
    },
  };
}

type DueOperations = Pick<
  CustomerStore,
  'listDueWork' | 'dueShards' | 'listDueShard' | 'takeSweepLease' | 'leaveSweepLease' | 'listClaims'
>;

/** The due index's reads and the sweep coordinator's lease. */
function dueOperations(s: MemoryState): DueOperations {
  return {
    listDueWork: async function* (now, pageSize) {
      // Read once (a snapshot): the sweep re-indexes what it takes, behind the adapter's cursor too.
      yield* sideBySide(s.shardsUpTo(now), pageSize);
    },
    dueShards: s.dueShards,
    listDueShard: async function* (shard, now, pageSize, after) {
      yield* sideBySide([s.shardUpTo(shard, now, after)], pageSize);
    },
    // Not metered: the lease is the deployment's, not a customer's (the simulator counts it once).
    takeSweepLease: async (holder, now, until) => {
      const lease = s.sweepLease;
      if (lease.leaseUntil !== undefined && lease.leaseUntil > now) return undefined;
      s.sweepLease = { ...lease, holder, leaseUntil: until };
      return stored(s.sweepLease.cursors);
    },
    leaveSweepLease: async (holder, cursors) => {
      if (s.sweepLease.holder !== holder) return false;
      s.sweepLease = { cursors: stored(cursors) };
      return true;
    },
    listClaims: async function* (pageSize) {
      for (const page of sideBySide(s.shardsUpTo(CLAIM_DUE), pageSize)) {
        const claims = page.flatMap((w) =>
          w.kind === 'claim' ? [{ customerId: w.customerId, eventId: w.eventId }] : [],
        );
        if (claims.length > 0) yield claims;
      }
    },
  };
}

/** Event records: written once, or over the claim that holds them. */
function eventOperations(s: MemoryState): EventOperations {
  return {
    getEvent: async (c, e) => s.readOne(s.events, `${c}/${e}`),
    writeEvent: async (r, holder) => {
      const bytes = s.wrote(r, true);
      const held = s.events.get(`${r.customerId}/${r.eventId}`);
      const claimedBy = held?.state === 'claimed' ? held.claimId : undefined;
      if (holder === undefined ? held !== undefined : claimedBy !== holder) return false;
      s.setEvent(r, bytes);
      return true;
    },
    releaseEvent: async (c, e, holder) => {
      s.wrote(undefined, true);
      const held = s.events.get(`${c}/${e}`);
      if (held?.state === 'claimed' && held.claimId === holder) s.deleteEvent(c, e);
    },
  };
}

/** A list part of getCustomerFacts: absent when empty, as the adapter leaves it. */
function listed<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
