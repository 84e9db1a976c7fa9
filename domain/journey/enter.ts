import { spanEnd } from '../config/span';
import { addDuration, type YearlyDuration } from '../config/yearly-duration';
import type { CustomerEvent } from '../events/schema';
import { engagementSubject, isEngagement } from '../events/types';
import type { CustomerStore, JourneyEntryRecord, JourneyStarter, SkippedEntry, StartRequest } from '../ports';
import { customerEntries, type CustomerEntries } from './entries';
import type { Profile } from '../profile/profile';
import { stateKey, type Calendar, type JourneyInput } from './compile';
import type { JourneyStart } from './entry';
import { waitComputedAtStart } from './fusion';
import type { ExclusiveGroups } from '../config/interplay';
import {
  activeUntil,
  byPriority,
  exclusivity,
  interplayContext,
  markPreempted,
  type Exclusivity,
} from './interplay';
import { waitingDue, waitingEntry, waitingGroup } from './waiting';
import type { PacedSend } from '../messages/policy';
import type { Journey } from './schema';
import type { LimitContext } from './limits';
import { nextUntil, untilDefinition } from './wait-until';

export interface Entered {
  journeyId: string;
  executionName: string;
  executionArn: string;
}

export type Skipped = { journeyId: string; reason: 'already-entered' | 're-entry-too-soon' } | SkippedEntry;

/** The skipped starts an exclusive group held back (recorded on the event, or logged by the sweep). */
export const heldBack = (skipped: readonly Skipped[]): SkippedEntry[] =>
  skipped.filter((k): k is SkippedEntry => k.reason === 'exclusive-group');

/** When a customer who entered at `enteredAt` may enter again under `reEntry: { every }`. */
const reEntryOpensAt = (enteredAt: string, every: YearlyDuration, timeZone: string) =>
  addDuration(new Date(enteredAt), every, timeZone);

/** An entry decided and the start it leads to: written first, started after (see enterJourneys). */
export interface PlannedEntry {
  entry: JourneyEntryRecord;
  start: StartRequest;
  /** Entries of its exclusive group it pre-empts, marked stopped: written with it, stopped before it starts. */
  preempts: JourneyEntryRecord[];
  /** A `wait` group's entry: written waiting, not started (journey/waiting.ts starts it later). */
  waits?: true;
}

/** Every record a plan writes: each entry, and the entries it pre-empts. */
export const plannedRecords = (planned: readonly PlannedEntry[]) =>
  planned.flatMap((p) => [p.entry, ...p.preempts]);

/**
 * Starts journeys for a customer, honouring each journey's re-entry rule, and records every entry (for
 * re-entry, goals and the customer's timeline) before requesting the start. Safe to repeat: a retry finds
 * its own entry by execution name, and the start itself is deduplicated by Step Functions. `profile` is
 * the customer as the starts were decided for (what a journey's first computed wait is computed from).
 */
export async function enterJourneys(
  starts: readonly JourneyStart[],
  profile: Profile,
  deps: PlanEntriesDeps & { starter: JourneyStarter },
): Promise<{ entered: Entered[]; skipped: Skipped[]; waitingUntil?: string }> {
  const { planned, skipped } = await planEntries(starts, profile, deps);
  await deps.store.putJourneyEntries(plannedRecords(planned));
  const entered = await startPlanned(planned, deps.starter);
  const waitingUntil = waitingDue(planned.map((p) => p.entry));
  return waitingUntil === undefined ? { entered, skipped } : { entered, skipped, waitingUntil };
}

export interface PlanEntriesDeps {
  store: CustomerStore;
  starter: Pick<JourneyStarter, 'executionArn'>;
  journeys: readonly Journey[];
  calendar: Calendar;
  now: Date;
  /** lifecycle.yaml's `care.pauseMarketing`: exclusive groups' bound counts it (interplay.ts). */
  lifecycle: { care: { pauseMarketing: string } };
  /** The longest a marketing send waits for its channel to open (Workflows.sendWindowSeconds). */
  sendWindowSeconds?: number;
  /** The customer's entries (default: read once, for every start). */
  entries?: CustomerEntries;
  /** settings.yaml `exclusiveGroups`: whether a group pre-empts or waits (default: pre-empts). */
  exclusiveGroups?: ExclusiveGroups;
}

/** The entries enterJourneys writes and the starts it then makes, without writing or starting anything. */
export async function planEntries(
  starts: readonly JourneyStart[],
  profile: Profile,
  deps: PlanEntriesDeps,
): Promise<{ planned: PlannedEntry[]; skipped: Skipped[] }> {
  const planned: PlannedEntry[] = [];
  const skipped: Skipped[] = [];
  const entries = deps.entries ?? customerEntries(deps.store, profile.customerId);
  const bound = interplayContext(deps);
  // A higher priority decides first: of two journeys of a group started by one event, it is the one entered.
  for (const start of byPriority(starts, deps.journeys)) {
    const journey = deps.journeys.find((j) => j.id === start.journeyId);
    if (!journey) continue;
    const refused = await reEntryRefused(journey, start, profile, { ...deps, entries });
    if (refused) {
      skipped.push({ journeyId: journey.id, reason: refused });
      continue;
    }
    const group = await exclusivity(journey, start.executionName, { ...deps, ...bound, entries });
    if (group.kind === 'blocked') {
      const { journeyId, executionName } = group.by;
      skipped.push({ journeyId: journey.id, reason: 'exclusive-group', by: { journeyId, executionName } });
      continue;
    }
    const entry = entryRecord(journey, start, { ...deps, ...bound });
    const waitFor = waitsBehind(journey, group, deps.exclusiveGroups);
    if (waitFor) {
      const waiting = waitingEntry(entry, start, waitFor.behind, waitFor.group);
      entries.add(waiting);
      planned.push({ entry: waiting, start, preempts: [], waits: true });
      continue;
    }
    // A `wait` group never pre-empts: what is left is waiting entries, which keep waiting behind this one.
    const preempts =
      group.kind === 'preempt' && !waitingGroup(journey, deps.exclusiveGroups)
        ? markPreempted(group.running, entry)
        : [];
    if (preempts.length > 0)
      entry.preempted = preempts.map(({ journeyId, executionName }) => ({ journeyId, executionName }));
    for (const e of [entry, ...preempts]) entries.add(e);
    planned.push({
      entry,
      start: { ...start, input: executionInput(journey, start.input, profile, deps) },
      preempts,
    });
  }
  return { planned, skipped };
}

/**
 * In a `wait` group, the running lower-priority entries an entry waits behind (waiting entries of the
 * group hold no one back: the entry starts before them, they keep waiting behind it).
 */
function waitsBehind(journey: Journey, group: Exclusivity, groups: ExclusiveGroups | undefined) {
  const waits = waitingGroup(journey, groups);
  if (!waits || group.kind !== 'preempt') return undefined;
  const behind = group.running.filter((e) => !e.waiting);
  return behind.length > 0 ? { group: waits, behind } : undefined;
}

/** Why the journey's re-entry rule refuses this start, if it does. */
async function reEntryRefused(
  journey: Journey,
  start: JourneyStart,
  profile: Profile,
  deps: { entries: CustomerEntries; calendar: Calendar; now: Date },
): Promise<'already-entered' | 're-entry-too-soon' | undefined> {
  const previous = (await deps.entries.of(journey.id)).filter((e) => e.executionName !== start.executionName);
  const last = previous.at(-1);
  const rule = journey.reEntry;
  if (last && rule === 'once') return 'already-entered';
  if (
    last &&
    typeof rule === 'object' &&
    reEntryOpensAt(last.enteredAt, rule.every, profile.timeZone ?? deps.calendar.defaultTimeZone) > deps.now
  )
    return 're-entry-too-soon';
  return undefined;
}

/** The journey entry a start writes; a journey in an exclusive group records how long it can last. */
function entryRecord(
  journey: Journey,
  start: JourneyStart,
  deps: { starter: Pick<JourneyStarter, 'executionArn'>; now: Date } & LimitContext,
): JourneyEntryRecord {
  return {
    customerId: start.input.customerId,
    journeyId: journey.id,
    journeyVersion: journey.version,
    executionName: start.executionName,
    executionArn: deps.starter.executionArn(start),
    enteredAt: deps.now.toISOString(),
    trigger: {
      eventId: start.input.trigger.eventId,
      eventType: start.input.trigger.eventType,
      at: start.input.trigger.at,
    },
    ...(journey.exclusive === undefined ? {} : { activeUntil: activeUntil(journey, deps.now, deps) }),
  };
}

/**
 * The starts of entries already written. The entry first, then the start: a queued start checks its entry
 * (an erased customer's, or one a goal converted while it waited, does not start), and a crash between
 * the two leaves an entry that the retry finds by name and writes again before starting once, under the
 * same deterministic name.
 */
export async function startPlanned(
  planned: readonly PlannedEntry[],
  starter: JourneyStarter,
): Promise<Entered[]> {
  const entered: Entered[] = [];
  for (const { entry, start, preempts, waits } of planned) {
    if (waits) continue;
    // Stopped before the new journey starts: two journeys of a group never run for one customer at once.
    for (const stopped of preempts)
      await starter.stop(stopped.executionArn, {
        error: 'Preempted',
        cause: `pre-empted by ${entry.journeyId} ${entry.executionName}`,
      });
    await starter.start(start);
    const { journeyId, executionName, executionArn } = entry;
    entered.push({ journeyId, executionName, executionArn });
  }
  return entered;
}

/**
 * What an execution starts with. A journey that begins with a wait until a computed instant gets that
 * instant in its input, computed here as the `schedule` action would compute it at this same instant,
 * from the same customer: its ASL begins with the Wait (one Task fewer per execution, see fusion.ts).
 */
export function executionInput(
  journey: Journey,
  input: JourneyInput,
  profile: Profile,
  at: { calendar: Calendar; now: Date },
): JourneyInput {
  const wait = waitComputedAtStart(journey);
  if (!wait) return input;
  const instant = nextUntil(untilDefinition(wait.until, at.calendar), profile, at.now);
  return { ...input, schedule: { [stateKey(wait.id)]: instant } };
}

export interface Conversion {
  journeyId: string;
  executionName: string;
  enteredAt: string;
  /** The one conversion the goal event counts for (see attributeConversion). */
  attributed: boolean;
}

/** An entry a goal converts: `entry` as it is to be stored, `write` unless a retry stored it already. */
export interface PlannedConversion {
  entry: JourneyEntryRecord;
  write: boolean;
}

/**
 * A goal event ends the journeys that work towards it for this customer, wherever the customer is in
 * them, and counts as a conversion for each entry it falls within the window of. The event that started
 * an entry never converts that same entry. This plans it (nothing is written or stopped): the caller
 * writes the entries marked `write`, then stops them (stopConverted).
 */
export async function planConversions(
  event: CustomerEvent,
  deps: {
    journeys: readonly Journey[];
    entries: CustomerEntries;
    /** The customer's recent marketing sends (their pacing record), for attribution. */
    sends?: readonly PacedSend[];
  },
): Promise<PlannedConversion[]> {
  const planned: PlannedConversion[] = [];
  const at = Date.parse(event.at);
  for (const journey of deps.journeys) {
    if (journey.goal?.event !== event.type) continue;
    const within = journey.goal.within;
    for (const entry of await deps.entries.of(journey.id)) {
      const entered = Date.parse(entry.enteredAt);
      if (entry.trigger.eventId === event.eventId || at < entered || at > spanEnd(entered, within)) continue;
      // Converted by another event; by this one, it is a retry, which stops (idempotently) again.
      if (entry.converted && entry.converted.eventId !== event.eventId) continue;
      const converted = entry.converted
        ? entry
        : { ...entry, converted: { eventId: event.eventId, at: event.at } };
      planned.push({ entry: converted, write: !entry.converted });
    }
  }
  const attributed = attributeConversion(planned, deps.sends ?? [], event.at);
  for (const p of attributed) if (p.write) deps.entries.add(p.entry);
  return attributed;
}

/**
 * A goal event that converts several entries counts once: it is attributed to the entry whose journey
 * sent the customer the latest marketing message at or before the event (from the pacing record, which
 * keeps the cap window's sends), else to the latest entered. Each new conversion records whether it is
 * the attributed one; a retry keeps what the first attempt recorded.
 */
export function attributeConversion(
  planned: readonly PlannedConversion[],
  sends: readonly PacedSend[],
  eventAt: string,
): PlannedConversion[] {
  const fresh = planned.filter((p) => p.write);
  if (fresh.length === 0) return [...planned];
  const at = Date.parse(eventAt);
  const before = sends.filter((s) => Date.parse(s.at) <= at).sort((a, b) => b.at.localeCompare(a.at));
  const bySend = before
    .map((s) => fresh.find((p) => p.entry.executionArn === s.executionArn))
    .find((p) => p !== undefined);
  const latest = [...fresh].sort((a, b) => b.entry.enteredAt.localeCompare(a.entry.enteredAt))[0];
  const chosen = bySend ?? latest;
  return planned.map((p) =>
    p.write && p.entry.converted
      ? { ...p, entry: { ...p.entry, converted: { ...p.entry.converted, attributed: p === chosen } } }
      : p,
  );
}

/**
 * Stops the converted entries' executions, once their conversions are written. Recorded before the stop:
 * a queued start that reads its entry after this (start-journey checks it after starting) stops its own
 * execution, and one that started before is stopped here.
 */
export async function stopConverted(
  planned: readonly PlannedConversion[],
  event: CustomerEvent,
  starter: JourneyStarter,
): Promise<Conversion[]> {
  const conversions: Conversion[] = [];
  for (const { entry } of planned) {
    await starter.stop(entry.executionArn, { error: 'GoalReached', cause: `${event.type} ${event.eventId}` });
    const { journeyId, executionName, enteredAt } = entry;
    conversions.push({
      journeyId,
      executionName,
      enteredAt,
      attributed: entry.converted?.attributed !== false,
    });
  }
  return conversions;
}

/** Whether some journey has a wait-for-event step for this kind of event. */
export function awaitedBy(journeys: readonly Journey[], type: string): boolean {
  return journeys.some((j) => j.steps.some((s) => s.type === 'wait-for-event' && s.event === type));
}

/**
 * Resumes the journeys of this customer that wait for this kind of event (wait-for-event steps), if the
 * event happened after they began waiting. Each wait is resumed once: its record is removed after.
 */
export async function resumeWaits(
  event: CustomerEvent,
  deps: { store: CustomerStore; starter: JourneyStarter; journeys: readonly Journey[] },
): Promise<string[]> {
  const resumed: string[] = [];
  // Ingest is the hot path: no read at all unless some journey can wait for this kind of event.
  if (!awaitedBy(deps.journeys, event.type)) return resumed;
  // An engagement event answers only the waits on its own message (filed under it, see runJourneyStep).
  const subject = isEngagement(event) ? engagementSubject(event.type, event.message.key) : event.type;
  for (const wait of await deps.store.listAwaits(event.customerId, subject)) {
    // An engagement event is about the message the wait names, sent before it began: whenever the
    // provider dates it (a delivery may be dated before the wait was stored), it answers the wait.
    if (!isEngagement(event) && Date.parse(event.at) < Date.parse(wait.since)) continue;
    const outcome = await deps.starter.resume(wait.taskToken, {
      eventId: event.eventId,
      type: event.type,
      at: event.at,
      ...(isEngagement(event) && event.link !== undefined ? { link: event.link } : {}),
    });
    await deps.store.deleteAwait(event.customerId, wait.awaitKey);
    if (outcome === 'resumed') resumed.push(wait.journeyId);
  }
  return resumed;
}
