import canonicalize from 'canonicalize';
import { hash, randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { InvalidEventError, VersionConflictError } from './errors';
import type { CustomerEvent } from './events/schema';
import { CONFLICT_ATTEMPTS, retryOnConflict } from './retry';
import type { CustomerStore, EventClaim, EventFingerprint, StoredEvent } from './ports';

/**
 * How long a claim on an event holds before another delivery may take it over. Longer than the timeout
 * of every function that ingests (15 s for ingest-event and feedback), so a live claimant is never
 * overtaken; a claimant that failed gives way at once (its claim is released before its error propagates),
 * so only one that stopped dead (a timeout, a lost machine) makes a redelivery wait this long.
 */
export const EVENT_LEASE_MS = 20_000;

/**
 * The same event id with another payload: a 409 naming the fields that differ. An invalid event, so that
 * from EventBridge it is counted, logged redacted and thrown without the values it quotes.
 */
export class EventIdReusedError extends InvalidEventError {
  override readonly name: string = 'EventIdReusedError';
}

/** Fields Rapport sets itself (the sentiment of a comment): not part of what the sender said. */
const DERIVED_FIELDS = new Set(['sentiment']);

/**
 * The fingerprint of what the sender said. Canonical JSON (RFC 8785: keys in a stable order), with `at`
 * read as the instant it denotes, so "10:00:00Z", "10:00:00.000Z" and "18:00:00+08:00" are one event.
 */
export function fingerprintOf(event: CustomerEvent): EventFingerprint {
  const said = Object.fromEntries(
    Object.entries({ ...event, at: new Date(event.at).toISOString() }).filter(
      ([k, v]) => !DERIVED_FIELDS.has(k) && v !== undefined,
    ),
  );
  const salt = `${event.customerId}\u0000${event.eventId}`;
  const fields: Record<string, string> = {};
  for (const [field, value] of Object.entries(said)) {
    if (field === 'customer' && value !== null && typeof value === 'object')
      for (const [sub, v] of Object.entries(value))
        fields[`customer.${sub}`] = digest(salt, `customer.${sub}`, v).slice(0, 16);
    else fields[field] = digest(salt, field, value).slice(0, 16);
  }
  return { payload: digest(salt, '', said), fields };
}

// One-shot `hash` (Node 20.12+): a third of createHash's cost, and ingest takes a digest per field.
function digest(salt: string, field: string, value: unknown): string {
  return hash('sha256', `${salt}\u0000${field}\u0000${canonicalize(value) ?? ''}`, 'base64url');
}

/** The fields whose hashes differ between two fingerprints, a field given in only one counting too. */
export function differingFields(a: EventFingerprint, b: EventFingerprint): string[] {
  const names = new Set([...Object.keys(a.fields), ...Object.keys(b.fields)]);
  return [...names].filter((n) => a.fields[n] !== b.fields[n]).sort();
}

export type ClaimOutcome =
  | { kind: 'mine'; claim: EventClaim }
  /** Another delivery handled the event, or is handling it now (`inProgress`). */
  | { kind: 'duplicate'; inProgress: boolean };

/**
 * Claims an event for this delivery with a conditional write, so exactly one of any number of concurrent
 * deliveries applies it. A claim whose lease has passed is taken over (conditional on the claim seen);
 * with `lease: 'ignored'`, any claim is: only for a caller that knows no other delivery is alive (the
 * local runtime at start-up, alone on its data folder). Throws EventIdReusedError when the id is known
 * with another payload. `read`: the record as the caller already read it, for the first attempt (the
 * claim's conditional write catches any write since; a lost race reads it again).
 */
export function claimEvent(
  event: CustomerEvent,
  fingerprint: EventFingerprint,
  deps: { store: CustomerStore; clock: Clock },
  lease: 'honoured' | 'ignored' = 'honoured',
  read?: { stored: StoredEvent | undefined },
): Promise<ClaimOutcome> {
  return retryOnConflict(CONFLICT_ATTEMPTS.ingest, async (n): Promise<ClaimOutcome> => {
    const stored = n === 0 && read ? read.stored : await deps.store.getEvent(event.customerId, event.eventId);
    if (stored) refuseReuse(stored, fingerprint, event);
    const now = deps.clock.now();
    const held = stored?.state === 'claimed' ? stored : undefined;
    const abandoned = held && (lease === 'ignored' || Date.parse(held.leaseUntil) <= now.getTime());
    if (stored && !abandoned) return { kind: 'duplicate', inProgress: held !== undefined };
    const claim = newClaim(event, fingerprint, now);
    if (await deps.store.writeEvent(claim, held?.claimId)) return { kind: 'mine', claim };
    throw new VersionConflictError(`event ${event.eventId} was claimed by another delivery first`);
  });
}

/** This delivery's claim on `event`, made at `now` and held for the lease. */
export function newClaim(
  event: CustomerEvent,
  fingerprint: EventFingerprint,
  now: Date,
  claimId: string = randomUUID(),
): EventClaim {
  return {
    customerId: event.customerId,
    eventId: event.eventId,
    type: event.type,
    at: event.at,
    state: 'claimed',
    fingerprint,
    claimId,
    claimedAt: now.toISOString(),
    leaseUntil: new Date(now.getTime() + EVENT_LEASE_MS).toISOString(),
    // Kept with the claim so that recovery can finish the event if this delivery dies (see EventClaim).
    event,
  };
}

export function refuseReuse(stored: StoredEvent, fingerprint: EventFingerprint, event: CustomerEvent): void {
  // Records from before fingerprints existed cannot be compared: they stay plain duplicates.
  if (!stored.fingerprint || stored.fingerprint.payload === fingerprint.payload) return;
  const fields = differingFields(stored.fingerprint, fingerprint);
  throw new EventIdReusedError(
    `Event id ${JSON.stringify(event.eventId)} was already used for another event`,
    (fields.length ? fields : ['']).map((field) => ({
      source: 'request body',
      field,
      // What this delivery gave (undefined reads "nothing was given"); the first one's value is not kept.
      value: field
        .split('.')
        .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], event),
      expected: `the same value as in the event first received with id ${JSON.stringify(event.eventId)} (an event id names one event: resend it unchanged, or give a new event a new id)`,
    })),
  );
}
