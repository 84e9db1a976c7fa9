import { tombstoneKey } from './erase';
import { claimEvent, fingerprintOf } from './event-claim';
import { entryEventProperties, shareableProperties, type PropertyValue } from './events/properties';
import type { CustomerEvent } from './events/schema';
import { isEngagement } from './events/types';
import {
  awaitedBy,
  heldBack,
  planConversions,
  planEntries,
  type Conversion,
  plannedRecords,
  resumeWaits,
  startPlanned,
  stopConverted,
} from './journey/enter';
import { customerEntries, noEntriesYet } from './journey/entries';
import { journeysToStart, type JourneyStart } from './journey/entry';
import { scheduled } from './journey/occasions';
import { waitingDue, withWaitingUntil } from './journey/waiting';
import { applyEvent, changesCausedBy, hasApplied } from './lifecycle/apply';
import { lifecycleChanges } from './lifecycle/changes';
import type { PacedSend } from './messages/policy';
import { addressUses, checkAddresses, eventAddressKeys, recheckAddresses } from './messages/address-check';
import type {
  AddressUse,
  CustomerFacts,
  EventClaim,
  EventFingerprint,
  EventRecord,
  LifecycleDeps,
} from './ports';
import type { Profile, StageChange } from './profile/profile';
import { CONFLICT_ATTEMPTS, retryOnConflict } from './retry';

export interface IngestResult {
  /**
   * `duplicate`: another delivery of this event handled it, or is handling it now. `erased`: the event
   * happened at or before the customer's erasure (a late redelivery, an old link), or is an engagement
   * event of a customer with no profile (erased since): nothing was changed.
   */
  status: 'accepted' | 'duplicate' | 'erased';
  eventId: string;
  customerId: string;
  stage: string;
  tier: string;
  stageChanges: StageChange[];
  tierChanges: StageChange[];
  journeysStarted: string[];
  /** Journeys this event was the goal of: ended for this customer and counted as converted. */
  conversions: string[];
  /** Of those, the one the conversion is attributed to (counted once: see attributeConversion). */
  attributedTo?: string;
  /**
   * This delivery created the customer's profile: its first stage and tier (the `from` of the first
   * change, or `stage` and `tier` when there was none) were entered without an announced change.
   */
  created?: true;
}

/**
 * Applies one customer event exactly once, whatever the number of deliveries, their concurrency or crashes:
 * 1. an event dated at or before the customer's erasure changes nothing (an erased customer stays erased;
 *    a returning customer's new events start a new profile);
 * 2. the delivery claims the event with a conditional write: every other delivery is a duplicate (the same
 *    id with another payload is refused, EventIdReusedError); a claim left by a delivery that stopped dead
 *    is taken over once its lease passes, and one that failed is released before its error propagates, so
 *    the source's redelivery finishes the work;
 * 3. the profile write is conditional on its version, and the profile remembers recent event ids, so a
 *    takeover after a crash does not apply the event twice;
 * 4. stage and tier changes are announced, and journeys start under deterministic names, so starting
 *    one again is a no-op;
 * 5. the event record, marked done last, says the event was fully handled. Until then the claim keeps the
 *    event, so if no source delivers it again, the recovery pass (domain/recover.ts) finishes it;
 * 6. an engagement event (a delivery, an open, a click) changes no stage or tier: its profile is not
 *    written, and one no journey waits for is only recorded, done at once (recordOnly).
 * Only single-item conditional writes are used, so DynamoDB and dynalite behave alike.
 */
export function ingestEvent(event: CustomerEvent, deps: LifecycleDeps): Promise<IngestResult> {
  return ingest(event, deps, 'honoured', 'release');
}

/**
 * Finishes an event found claimed past its lease by the recovery pass (domain/recover.ts), as a takeover
 * by a redelivery would. If that fails, the claim is kept, not released: no source will deliver this
 * event again, and the kept claim (with its event, due when its new lease ends) is the next pass's work.
 * `lease: 'ignored'` takes over a claim still in its lease (see claimEvent: only when no delivery is alive).
 */
export function finishAbandonedEvent(
  event: CustomerEvent,
  deps: LifecycleDeps,
  lease: 'honoured' | 'ignored',
): Promise<IngestResult> {
  return ingest(event, deps, lease, 'keep');
}

async function ingest(
  event: CustomerEvent,
  deps: LifecycleDeps,
  lease: 'honoured' | 'ignored',
  onFailure: 'release' | 'keep',
): Promise<IngestResult> {
  // One read for what the first attempt decides from; a lost race reads again what it lost on. The
  // event's addresses on the suppression list come along, so that a send need not read them (see
  // checkAddresses); they are not read again on a lost race: what was listed then still is. An address
  // this event makes the customer's is read once more, after its use is written (recheckAddresses).
  const addressKeys = eventAddressKeys(event);
  const facts = await deps.store.getCustomerFacts(event.customerId, {
    tombstoneKey: tombstoneKey(event.customerId),
    eventId: event.eventId,
    profile: true,
    suppressionKeys: Object.values(addressKeys),
    // In the same read: whose message came last, should the event be a goal (see attributeConversion).
    pacing: deps.journeys.some((j) => j.goal?.event === event.type),
  });
  const erased = facts.tombstone && Date.parse(facts.tombstone.erasedAt);
  if (erased !== undefined && Date.parse(event.at) <= erased) return unchanged('erased', event, undefined);
  // An open or a click of a customer with no profile (erased since, or never known here) recreates none.
  if (isEngagement(event) && !facts.profile) return unchanged('erased', event, undefined);
  const fingerprint = fingerprintOf(event);
  const recorded = await recordOnly(event, fingerprint, facts, deps);
  if (recorded !== undefined && recorded !== 'lost') return recorded;
  // After a lost race, the claim reads again what the other delivery wrote.
  const read = recorded === 'lost' ? undefined : { stored: facts.event };
  const outcome = await claimEvent(event, fingerprint, deps, lease, read);
  if (outcome.kind === 'duplicate') return unchanged('duplicate', event, facts.profile);
  try {
    return await handleClaimed(event, outcome.claim, deps, { ...facts, addressKeys });
  } catch (e) {
    if (onFailure === 'release')
      await deps.store
        .releaseEvent(event.customerId, event.eventId, outcome.claim.claimId)
        .catch(() => undefined);
    throw e;
  }
}

/**
 * An engagement event no journey waits for (one is never an entry or a goal: see engagement-checks) has
 * nothing to do but be recorded: its done record is written at once, conditional on no record of its id,
 * so it needs no claim (a crash leaves it recorded or not; the source's redelivery records it). Undefined
 * when the event is not such a one, or a record of its id was read: the ordinary path decides (a
 * duplicate, or the takeover of an abandoned claim). `lost`: another delivery's record was written first.
 */
async function recordOnly(
  event: CustomerEvent,
  fingerprint: EventFingerprint,
  { profile, event: stored }: CustomerFacts,
  deps: LifecycleDeps,
): Promise<IngestResult | 'lost' | undefined> {
  if (!isEngagement(event) || !profile || stored || awaitedBy(deps.journeys, event.type)) return undefined;
  const done = doneRecord(event, { fingerprint }, deps.clock.now(), NO_EFFECTS);
  return (await deps.store.writeEvent(done)) ? accepted(event, profile, NO_EFFECTS) : 'lost';
}

function unchanged(status: 'duplicate' | 'erased', event: CustomerEvent, profile: Profile | undefined) {
  return {
    status,
    eventId: event.eventId,
    customerId: event.customerId,
    stage: profile?.stage ?? '',
    tier: profile?.tier ?? '',
    stageChanges: [],
    tierChanges: [],
    journeysStarted: [],
    conversions: [],
  };
}

/**
 * Folds the event into the profile, or finds it already folded in by a delivery that then stopped. The
 * first attempt starts from `read` (the profile as read before the claim: its version check catches any
 * write since). `created`: this delivery's write created the profile, so the customer has no journey
 * entries (they are written after the profile, and erasure deletes the profile last).
 */
function applyToProfile(
  event: CustomerEvent,
  deps: LifecycleDeps,
  read: ReadFacts,
  shared: Record<string, PropertyValue>,
) {
  // An engagement changes no stage or tier, so its profile is not written (applyEvent takes none): the
  // claim and the done record make it count once, and the customer's timers are the sweep's, as for a
  // customer who sends no events.
  if (isEngagement(event)) {
    // ingest answers an engagement event of a customer with no profile as erased, before any claim.
    if (!read.profile) throw new Error(`engagement event ${event.eventId} reached ingest without a profile`);
    return {
      profile: read.profile,
      created: false,
      addresses: { remember: [], forget: [] },
      stageChanges: [],
      tierChanges: [],
    };
  }
  return retryOnConflict(CONFLICT_ATTEMPTS.ingest, async (n) => {
    const current = n === 0 ? read.profile : await deps.store.getProfile(event.customerId);
    if (current && hasApplied(current, event.eventId)) {
      const addresses = addressUses(undefined, current);
      return { profile: current, created: false, addresses, ...changesCausedBy(current, event.eventId) };
    }
    const applied = applyEvent(current, event, deps.lifecycle, deps.clock.now(), shared);
    // A new birthday, time zone or stage may move the customer's next date-triggered journey.
    const profile = scheduled(
      checkAddresses(applied.profile, read.addressKeys, read.suppressions ?? []),
      deps,
    );
    await deps.store.putProfile(profile);
    const { stageChanges, tierChanges } = applied;
    const addresses = addressUses(current, profile);
    return { profile, created: current === undefined, addresses, stageChanges, tierChanges };
  });
}

type AddressUses = { remember: AddressUse[]; forget: AddressUse[] };

/** What ingest read first, and which addresses' suppressions it asked for (see eventAddressKeys). */
type ReadFacts = CustomerFacts & { addressKeys: ReturnType<typeof eventAddressKeys> };

/**
 * Ends the journeys the event is the goal of, resumes the ones waiting for it and starts the ones it
 * triggers (planConversions, resumeWaits, enterJourneys). One read of the customer's entries serves
 * every goal and every start (none when `created`: a new customer has none), and one write records every
 * conversion and entry, and the customer's new addresses' uses (addressUses), before any stop or start.
 */
async function moveJourneys(
  event: CustomerEvent,
  { profile, created, addresses }: { profile: Profile; created: boolean; addresses: AddressUses },
  sends: readonly PacedSend[] | undefined,
  starts: readonly JourneyStart[],
  deps: LifecycleDeps,
) {
  const now = deps.clock.now();
  const entries = created ? noEntriesYet() : customerEntries(deps.store, event.customerId);
  const converting = await planConversions(event, { ...deps, entries, sends: sends ?? [] });
  const { planned, skipped } = await planEntries(starts, profile, { ...deps, now, entries });
  // The address uses go after the profile's write (see suppressAddress), in the same request.
  await deps.store.putJourneyEntries(
    [...converting.filter((c) => c.write).map((c) => c.entry), ...plannedRecords(planned)],
    addresses.remember,
  );
  // Before any start: an address listed since the first read is marked as if that read had found it.
  const checked = await recheckAddresses(profile, addresses.remember, deps.store);
  // A `wait` group's entry: the customer is due by its bound (the sweep's backstop, journey/waiting.ts).
  const waitingUntil = waitingDue(planned.map((p) => p.entry));
  if (waitingUntil !== undefined)
    await deps.store.putProfile({
      ...withWaitingUntil(checked, waitingUntil, deps),
      version: checked.version + 1,
    });
  for (const use of addresses.forget) await deps.store.forgetAddress(use.key, use.customerId);
  const conversions = await stopConverted(converting, event, deps.starter);
  await resumeWaits(event, deps);
  return { conversions, held: heldBack(skipped), entered: await startPlanned(planned, deps.starter) };
}

async function handleClaimed(
  event: CustomerEvent,
  claim: EventClaim,
  deps: LifecycleDeps,
  facts: ReadFacts,
): Promise<IngestResult> {
  const { store, clock } = deps;
  // The declared event's properties that may leave its record: kept on the profile and given to journeys.
  const shared = shareableProperties(event, deps.customEvents);
  const applied = await applyToProfile(event, deps, facts, shared);
  const { profile, stageChanges, tierChanges } = applied;
  // Announced after the profile is stored and before the event is marked done: a takeover announces
  // again (same ids), a crash never leaves a change unannounced.
  await deps.publisher.publish(lifecycleChanges(event.customerId, { stageChanges, tierChanges }));
  const carried = entryEventProperties(event, deps.customEvents);
  const starts = journeysToStart(deps.journeys, event, { stageChanges, tierChanges }, profile, carried);
  const sends = facts.pacing?.sends;
  const { conversions, entered, held } = await moveJourneys(event, applied, sends, starts, deps);
  const executions: EventRecord['executions'] = entered.map(({ journeyId, executionName, executionArn }) => ({
    journeyId,
    executionName,
    executionArn,
  }));
  const effects: Effects = { stageChanges, tierChanges, executions, conversions, held };
  // False only when this delivery was so slow that its lease passed and another took over: that one
  // finishes the same work, under the same names, and marks the event done itself.
  await store.writeEvent(doneRecord(event, claim, clock.now(), effects), claim.claimId);
  return { ...accepted(event, profile, effects), ...(applied.created ? { created: true as const } : {}) };
}

/** What applying an event did, as its done record keeps it. */
interface Effects {
  stageChanges: StageChange[];
  tierChanges: StageChange[];
  executions: EventRecord['executions'];
  conversions: readonly Conversion[];
  held: NonNullable<EventRecord['skippedEntries']>;
}

const NO_EFFECTS: Effects = { stageChanges: [], tierChanges: [], executions: [], conversions: [], held: [] };

/** The record that says the event was fully handled, and what it did. */
function doneRecord(
  event: CustomerEvent,
  claim: { fingerprint: EventFingerprint; claimId?: string },
  now: Date,
  { stageChanges, tierChanges, executions, conversions, held }: Effects,
): EventRecord {
  return {
    customerId: event.customerId,
    eventId: event.eventId,
    type: event.type,
    at: event.at,
    state: 'done',
    fingerprint: claim.fingerprint,
    ...(claim.claimId !== undefined ? { claimId: claim.claimId } : {}),
    receivedAt: now.toISOString(),
    stageChanges,
    tierChanges,
    executions,
    conversions: [...conversions],
    ...(held.length > 0 ? { skippedEntries: held } : {}),
    ...(isEngagement(event)
      ? { about: { ...event.message, ...(event.link ? { link: event.link } : {}) } }
      : {}),
  };
}

function accepted(event: CustomerEvent, profile: Profile, effects: Effects): IngestResult {
  return {
    status: 'accepted',
    eventId: event.eventId,
    customerId: event.customerId,
    stage: profile.stage,
    tier: profile.tier,
    stageChanges: effects.stageChanges,
    tierChanges: effects.tierChanges,
    journeysStarted: effects.executions.map((e) => e.executionName),
    conversions: effects.conversions.map((c) => c.journeyId),
    ...attributedTo(effects.conversions),
  };
}

const attributedTo = (conversions: readonly Conversion[]) => {
  const counted = conversions.find((c) => c.attributed);
  return counted ? { attributedTo: counted.journeyId } : {};
};

export { EventIdReusedError } from './event-claim';
