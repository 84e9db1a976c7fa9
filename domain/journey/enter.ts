import { durationSeconds } from '../config/duration';
import type { CustomerEvent } from '../events/schema';
import type { CustomerStore, JourneyEntryRecord, JourneyStarter } from '../ports';
import type { Profile } from '../profile/profile';
import { stateKey, type Calendar, type JourneyInput } from './compile';
import type { JourneyStart } from './entry';
import { waitComputedAtStart } from './fusion';
import type { Journey } from './schema';
import { nextUntil, untilDefinition } from './wait-until';

/** One customer's entries into one journey, oldest first (as CustomerStore.listJourneyEntries gives them). */
export type EntriesOf = (journeyId: string) => Promise<JourneyEntryRecord[]>;

/**
 * The customer's entries, read once (one Query of every journey's) when first asked for and served per
 * journey: an event that starts or converts several journeys costs one read, not one per journey. The
 * entries are as they were at that read: the caller's own writes since are not in them.
 */
export function journeyEntriesOnce(store: CustomerStore, customerId: string): EntriesOf {
  let all: Promise<JourneyEntryRecord[]> | undefined;
  return async (journeyId) => {
    all ??= store.listAllJourneyEntries(customerId);
    // A stable sort of the sort-key order, as listJourneyEntries gives them.
    return (await all)
      .filter((e) => e.journeyId === journeyId)
      .sort((a, b) => a.enteredAt.localeCompare(b.enteredAt));
  };
}

export interface Entered {
  journeyId: string;
  executionName: string;
  executionArn: string;
}

export interface Skipped {
  journeyId: string;
  reason: 'already-entered' | 're-entry-too-soon';
}

/**
 * Starts journeys for a customer, honouring each journey's re-entry rule, and records every entry (for
 * re-entry, goals and the customer's timeline) before requesting the start. Safe to repeat: a retry finds
 * its own entry by execution name, and the start itself is deduplicated by Step Functions. `profile` is
 * the customer as the starts were decided for (what a journey's first computed wait is computed from).
 */
export async function enterJourneys(
  starts: readonly JourneyStart[],
  profile: Profile,
  deps: {
    store: CustomerStore;
    starter: JourneyStarter;
    journeys: readonly Journey[];
    calendar: Calendar;
    now: Date;
    /** Where the customer's entries are read from (default: read once, for every start). */
    entries?: EntriesOf;
  },
): Promise<{ entered: Entered[]; skipped: Skipped[] }> {
  const entered: Entered[] = [];
  const skipped: Skipped[] = [];
  const first = starts[0];
  const entriesOf = deps.entries ?? (first && journeyEntriesOnce(deps.store, first.input.customerId));
  for (const start of starts) {
    const journey = deps.journeys.find((j) => j.id === start.journeyId);
    if (!journey || !entriesOf) continue;
    const previous = (await entriesOf(journey.id)).filter((e) => e.executionName !== start.executionName);
    const last = previous.at(-1);
    const rule = journey.reEntry;
    if (last && rule === 'once') {
      skipped.push({ journeyId: journey.id, reason: 'already-entered' });
      continue;
    }
    if (
      last &&
      typeof rule === 'object' &&
      Date.parse(last.enteredAt) + durationSeconds(rule.every) * 1000 > deps.now.getTime()
    ) {
      skipped.push({ journeyId: journey.id, reason: 're-entry-too-soon' });
      continue;
    }
    const input = executionInput(journey, start.input, profile, deps);
    // The entry first, then the start: a queued start checks its entry (an erased customer's, or one a goal
    // converted while it waited, does not start), and a crash between the two leaves an entry that the
    // retry finds by name and writes again before starting once, under the same deterministic name.
    const executionArn = deps.starter.executionArn(start);
    await deps.store.putJourneyEntry({
      customerId: start.input.customerId,
      journeyId: journey.id,
      journeyVersion: journey.version,
      executionName: start.executionName,
      executionArn,
      enteredAt: deps.now.toISOString(),
      trigger: {
        eventId: start.input.trigger.eventId,
        eventType: start.input.trigger.eventType,
        at: start.input.trigger.at,
      },
    });
    await deps.starter.start({ ...start, input });
    entered.push({ journeyId: journey.id, executionName: start.executionName, executionArn });
  }
  return { entered, skipped };
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
}

/**
 * A goal event ends the journeys that work towards it for this customer, wherever the customer is in
 * them, and counts as a conversion for each entry it falls within the window of. The event that started
 * an entry never converts that same entry.
 */
export async function reachGoals(
  event: CustomerEvent,
  deps: {
    store: CustomerStore;
    starter: JourneyStarter;
    journeys: readonly Journey[];
    /** Where the customer's entries are read from (default: read once, for every journey). */
    entries?: EntriesOf;
  },
): Promise<Conversion[]> {
  const conversions: Conversion[] = [];
  const at = Date.parse(event.at);
  const entriesOf = deps.entries ?? journeyEntriesOnce(deps.store, event.customerId);
  for (const journey of deps.journeys) {
    if (journey.goal?.event !== event.type) continue;
    const window = durationSeconds(journey.goal.within) * 1000;
    for (const entry of await entriesOf(journey.id)) {
      const entered = Date.parse(entry.enteredAt);
      if (entry.trigger.eventId === event.eventId || at < entered || at - entered > window) continue;
      // Converted by another event; by this one, it is a retry, which stops (idempotently) again.
      if (entry.converted && entry.converted.eventId !== event.eventId) continue;
      // Recorded before the stop: a queued start that reads its entry after this (start-journey checks it
      // after starting) stops its own execution, and one that started before is stopped here.
      if (!entry.converted)
        await deps.store.putJourneyEntry({ ...entry, converted: { eventId: event.eventId, at: event.at } });
      await deps.starter.stop(entry.executionArn, {
        error: 'GoalReached',
        cause: `${event.type} ${event.eventId}`,
      });
      conversions.push({
        journeyId: journey.id,
        executionName: entry.executionName,
        enteredAt: entry.enteredAt,
      });
    }
  }
  return conversions;
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
  const awaited = deps.journeys.some((j) =>
    j.steps.some((s) => s.type === 'wait-for-event' && s.event === event.type),
  );
  if (!awaited) return resumed;
  for (const wait of await deps.store.listAwaits(event.customerId, event.type)) {
    if (Date.parse(event.at) < Date.parse(wait.since)) continue;
    const outcome = await deps.starter.resume(wait.taskToken, {
      eventId: event.eventId,
      type: event.type,
      at: event.at,
    });
    await deps.store.deleteAwait(event.customerId, wait.awaitKey);
    if (outcome === 'resumed') resumed.push(wait.journeyId);
  }
  return resumed;
}
