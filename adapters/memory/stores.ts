import { CLAIM_DUE, dueIndexValue } from '../../domain/due';
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

/**
 * An in-memory CustomerStore with the same conditional semantics as the DynamoDB adapter: for replays and
 * simulations of whole populations (hundreds of thousands of events in seconds) and for property tests.
 * Handler and end-to-end tests use dynalite instead.
 */
export function memoryStore(): CustomerStore & {
  profiles: Map<string, Profile>;
  events: Map<string, StoredEvent>;
  /** The due index itself (customer id → due value), for tests that plant legacy entries. */
  due: Map<string, string>;
  /** The claims in the due index ("customer/event"), at CLAIM_DUE, as in the DynamoDB adapter. */
  claimsDue: Set<string>;
} {
  const profiles = new Map<string, Profile>();
  const events = new Map<string, StoredEvent>();
  const tombstones = new Map<string, TombstoneRecord>();
  const messages = new Map<string, MessageRecord>();
  const decisions = new Map<string, DecisionRecord>();
  const entries = new Map<string, JourneyEntryRecord>();
  const awaits = new Map<string, AwaitRecord>();
  const pacing = new Map<string, PacingRecord>();
  const suppressions = new Map<string, SuppressionRecord>();
  const addresses = new Map<string, string>();
  // The due-time index, like the DynamoDB GSI: only customers with something due are in it.
  const due = new Map<string, string>();
  const claimsDue = new Set<string>();
  /** The index (one shard) up to `until`, in index order: its claims first, then due customers. */
  const indexUpTo = (until: string): DueWork[] => {
    const entries: [string, DueWork][] = [];
    for (const key of CLAIM_DUE <= until ? claimsDue : []) {
      const record = events.get(key);
      if (record)
        entries.push([CLAIM_DUE, { kind: 'claim', customerId: record.customerId, eventId: record.eventId }]);
    }
    for (const [customerId, at] of due) if (at <= until) entries.push([at, { kind: 'customer', customerId }]);
    return entries
      .sort(([x, a], [y, b]) => byteOrder(x, y) || byteOrder(workKey(a), workKey(b)))
      .map(([, work]) => work);
  };
  const clone = <T>(v: T | undefined) => (v === undefined ? undefined : structuredClone(v));
  return {
    profiles,
    events,
    due,
    claimsDue,
    getProfile: async (id) => clone(profiles.get(id)),
    getPacing: async (id) => clone(pacing.get(id)),
    putPacing: async (r) => {
      if ((pacing.get(r.customerId)?.version ?? 0) !== r.version - 1)
        throw new VersionConflictError(`pacing version conflict on ${r.customerId}`);
      pacing.set(r.customerId, structuredClone(r));
    },
    getSuppression: async (key) => clone(suppressions.get(key)),
    putSuppression: async (r) => void suppressions.set(r.key, structuredClone(r)),
    rememberAddress: async (key, customerId) => void addresses.set(`${key}/${customerId}`, customerId),
    forgetAddress: async (key, customerId) => void addresses.delete(`${key}/${customerId}`),
    listAllJourneyEntries: async (c) =>
      [...entries.values()].filter((e) => e.customerId === c).map((e) => structuredClone(e)),
    deleteCustomer: async (c) => {
      let deleted = profiles.delete(c) ? 1 : 0;
      due.delete(c);
      pacing.delete(c);
      for (const k of claimsDue) if (events.get(k)?.customerId === c) claimsDue.delete(k);
      for (const map of [events, messages, decisions, entries, awaits] as Map<
        string,
        { customerId: string }
      >[])
        for (const [k, v] of map)
          if (v.customerId === c) {
            map.delete(k);
            deleted++;
          }
      return deleted;
    },
    listAddressUsers: async (key) =>
      [...addresses].filter(([k]) => k.startsWith(`${key}/`)).map(([, id]) => id),
    putProfile: async (p) => {
      const current = profiles.get(p.customerId);
      if ((current?.version ?? 0) !== p.version - 1)
        throw new VersionConflictError(`version conflict on ${p.customerId}`);
      profiles.set(p.customerId, structuredClone(p));
      const indexed = p.dueAt === undefined ? undefined : dueIndexValue(p.dueAt);
      if (indexed === undefined) due.delete(p.customerId);
      else due.set(p.customerId, indexed);
    },
    listDueWork: async function* (now, pageSize) {
      // Like the GSI: string order, read once in order (a snapshot, as a query's pages are).
      const ready = indexUpTo(now);
      for (let i = 0; i < ready.length; i += pageSize) yield ready.slice(i, i + pageSize);
    },
    getEvent: async (c, e) => clone(events.get(`${c}/${e}`)),
    writeEvent: async (r, holder) => {
      const held = events.get(`${r.customerId}/${r.eventId}`);
      const claimedBy = held?.state === 'claimed' ? held.claimId : undefined;
      if (holder === undefined ? held !== undefined : claimedBy !== holder) return false;
      events.set(`${r.customerId}/${r.eventId}`, structuredClone(r));
      if (r.state === 'claimed' && r.event) claimsDue.add(`${r.customerId}/${r.eventId}`);
      else claimsDue.delete(`${r.customerId}/${r.eventId}`);
      return true;
    },
    releaseEvent: async (c, e, holder) => {
      const held = events.get(`${c}/${e}`);
      if (held?.state !== 'claimed' || held.claimId !== holder) return;
      events.delete(`${c}/${e}`);
      claimsDue.delete(`${c}/${e}`);
    },
    listClaims: async function* (pageSize) {
      const claims = indexUpTo(CLAIM_DUE).flatMap((w) =>
        w.kind === 'claim' ? [{ customerId: w.customerId, eventId: w.eventId }] : [],
      );
      for (let i = 0; i < claims.length; i += pageSize) yield claims.slice(i, i + pageSize);
    },
    getTombstone: async (key) => clone(tombstones.get(key)),
    putTombstone: async (r) => void tombstones.set(r.key, structuredClone(r)),
    getMessage: async (c, k) => clone(messages.get(`${c}/${k}`)),
    claimMessage: async (r) => {
      const held = messages.get(`${r.customerId}/${r.messageKey}`);
      if (held && held.status !== 'deferred') return false;
      messages.set(`${r.customerId}/${r.messageKey}`, structuredClone(r));
      return true;
    },
    updateMessage: async (r) => void messages.set(`${r.customerId}/${r.messageKey}`, structuredClone(r)),
    settleClaim: async (r, claimedAt) => {
      const held = messages.get(`${r.customerId}/${r.messageKey}`);
      if (held?.status !== 'sending' || held.claimedAt !== claimedAt) return false;
      messages.set(`${r.customerId}/${r.messageKey}`, structuredClone(r));
      return true;
    },
    listJourneyEntries: async (c, j) =>
      [...entries.values()]
        .filter((e) => e.customerId === c && e.journeyId === j)
        .map((e) => structuredClone(e))
        .sort((a, b) => a.enteredAt.localeCompare(b.enteredAt)),
    putJourneyEntry: async (r) =>
      void entries.set(`${r.customerId}/${r.journeyId}/${r.executionName}`, structuredClone(r)),
    putAwait: async (r) => void awaits.set(`${r.customerId}/${r.awaitKey}`, structuredClone(r)),
    listAwaits: async (c, e) =>
      [...awaits.values()].filter((a) => a.customerId === c && a.event === e).map((a) => structuredClone(a)),
    deleteAwait: async (c, k) => void awaits.delete(`${c}/${k}`),
    recordDecision: async (r) => {
      const key = `${r.customerId}/${r.decisionKey}`;
      if (!decisions.has(key)) decisions.set(key, structuredClone(r));
      return structuredClone(decisions.get(key)!);
    },
    releaseMessage: async (c, k) => {
      if (messages.get(`${c}/${k}`)?.status === 'sending') messages.delete(`${c}/${k}`);
    },
  };
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
  return work.kind === 'claim' ? `${work.customerId}/EVENT#${work.eventId}` : `${work.customerId}/PROFILE`;
}

/** DynamoDB compares string keys by their bytes; for the ASCII keys Rapport writes, that is code-unit order. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
