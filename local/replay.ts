import { memoryStore } from '../adapters/memory/stores';
import type { Clock } from '../domain/clock';
import { InvalidEventError, type Problem } from '../domain/errors';
import type { CustomEvents } from '../domain/events/custom';
import { parseCustomerEvent } from '../domain/events/parse';
import { isErasure, type CustomerEvent } from '../domain/events/schema';
import { canonicalTime, DEFAULT_EVENT_TIME_WINDOW, type EventTimeWindow } from '../domain/events/time';
import { ingestEvent } from '../domain/ingest';
import { countsOf } from '../domain/lifecycle/counts';
import { NO_CALENDAR } from '../domain/journey/compile';
import type { Lifecycle } from '../domain/lifecycle/schema';
import type { CustomerStore, JourneyStarter, LifecycleDeps } from '../domain/ports';
import { sweep } from '../domain/sweep';

export const HOUR_MS = 3_600_000;

export interface ReplayOptions {
  lifecycle: Lifecycle;
  /** The state is taken at this instant: events after it are left out (counted), the last sweep runs at it. */
  asOf: string;
  /** settings.yaml `events`: each event is checked as if posted at its own time, as the API checks it. */
  eventTimes?: EventTimeWindow;
  /** settings.yaml `customEvents`: a history may hold declared events too, checked as the API checks them. */
  customEvents?: CustomEvents;
  /** How often the sweep runs, on a grid from the epoch: hourly by default, as EventBridge Scheduler does. */
  sweepEveryMs?: number;
  /** Names the input in problems, e.g. a file path. */
  source?: string;
  /** Called after every event applied. */
  onProgress?: (done: { events: number; at: string }) => void;
}

export interface ReplayResult {
  store: ReturnType<typeof memoryStore>;
  /** Events applied to the lifecycle. */
  applied: number;
  /** Of which purchases. */
  purchases: number;
  /** Events not applied: invalid as the API would find them, or out of time order in a stream. */
  rejected: Problem[];
  /** Valid events after `asOf`: not applied. */
  leftOut: number;
  /** Of which purchases. */
  purchasesLeftOut: number;
  /** Sweeps run: those of the grid that found someone due, and the last at `asOf`. */
  sweeps: number;
  stageCounts: Record<string, number>;
  tierCounts: Record<string, number>;
}

/**
 * A journey starter for a replay, which starts none: the replay runs the lifecycle with no journeys, so
 * a call here would be a bug, and fails loudly rather than quietly firing years of past journeys.
 */
const NO_JOURNEYS: JourneyStarter = {
  executionArn: () => {
    throw new Error('a lifecycle replay starts no journeys');
  },
  start: () => Promise.reject(new Error('a lifecycle replay starts no journeys')),
  resume: () => Promise.reject(new Error('a lifecycle replay resumes no journeys')),
  stop: () => Promise.reject(new Error('a lifecycle replay stops no journeys')),
};

/**
 * Replays customer events through the real lifecycle code (ingest and the sweep) on an injected clock,
 * in memory, with no journeys: every profile, stage and tier (with their histories) as of `asOf`. Each
 * event is validated as the API validates it and applied at its own instant; the sweep runs on its grid
 * (hourly, as on AWS) between events, and once more at `asOf`. An array is put in instant order first
 * (an ISO string's text does not sort as its instant: `10:00+01:00` is before `09:30Z`); a stream must
 * come in instant order (a history file read by readHistoryFile does), and an event earlier than one
 * already applied is rejected, not applied out of turn. What `rapport import` loads, and what the CDNOW
 * lifecycle test checks.
 */
export async function replayLifecycle(
  events: readonly unknown[] | AsyncIterable<unknown> | Iterable<unknown>,
  options: ReplayOptions,
): Promise<ReplayResult> {
  const store = memoryStore();
  // One instant for the clock and the loop below: each event and sweep is applied at its own.
  const time = { now: Number.NEGATIVE_INFINITY };
  const deps = replayDeps(store, { now: () => new Date(time.now) }, options);
  const asOf = Date.parse(options.asOf);
  const rejected: Problem[] = [];
  const grid = sweepGrid(store, deps, options.sweepEveryMs ?? HOUR_MS, time);
  const counts = { applied: 0, purchases: 0, leftOut: 0, purchasesLeftOut: 0 };
  for await (const event of validEvents(events, options, rejected)) {
    const at = Date.parse(event.at);
    const purchase = event.type === 'purchase' ? 1 : 0;
    if (at > asOf) {
      counts.leftOut++;
      counts.purchasesLeftOut += purchase;
      continue;
    }
    if (at < time.now) {
      rejected.push(outOfOrder(event, time.now, options.source));
      continue;
    }
    await grid.upTo(at);
    time.now = at;
    await ingestEvent(event, deps);
    counts.applied++;
    counts.purchases += purchase;
    options.onProgress?.({ events: counts.applied, at: event.at });
  }
  await grid.upTo(asOf);
  time.now = asOf;
  await sweep(deps);
  // The grid's sweeps and this last one, at asOf.
  return { store, ...counts, rejected, sweeps: grid.sweeps + 1, ...countsOf(store.profiles.values()) };
}

function replayDeps(store: CustomerStore, clock: Clock, options: ReplayOptions): LifecycleDeps {
  return {
    store,
    starter: NO_JOURNEYS,
    clock,
    lifecycle: options.lifecycle,
    journeys: [],
    calendar: NO_CALENDAR,
    publisher: { publish: async () => undefined },
    ...(options.customEvents ? { customEvents: options.customEvents } : {}),
  };
}

/** The sweeps on their grid (every `every` ms), run as the replay's time passes. */
function sweepGrid(
  store: ReturnType<typeof memoryStore>,
  deps: LifecycleDeps,
  every: number,
  time: { now: number },
): { readonly sweeps: number; upTo(t: number): Promise<void> } {
  let nextSweep: number | undefined;
  let sweeps = 0;
  /** When the sweep next finds work: at once with a claim in the index, never with no one due. */
  const firstDue = (): number => {
    if (store.claimsDue.size > 0) return Number.NEGATIVE_INFINITY;
    const due = store.due.earliest();
    return due === undefined ? Number.POSITIVE_INFINITY : Date.parse(due);
  };
  return {
    get sweeps() {
      return sweeps;
    },
    /** Runs the sweeps of the grid up to `t`, skipping those that would find no one due (they change nothing). */
    async upTo(t) {
      nextSweep ??= Math.ceil(t / every) * every;
      for (;;) {
        const at = Math.max(nextSweep, Math.ceil(firstDue() / every) * every);
        if (at > t) break;
        time.now = at;
        await sweep(deps);
        sweeps++;
        nextSweep = at + every;
      }
      nextSweep = Math.max(nextSweep, Math.floor(t / every) * every + every);
    },
  };
}

/** The events that pass the API's checks, in instant order when given as an array; the rest as problems. */
async function* validEvents(
  events: readonly unknown[] | AsyncIterable<unknown> | Iterable<unknown>,
  options: ReplayOptions,
  rejected: Problem[],
): AsyncGenerator<CustomerEvent> {
  const check = (data: unknown, index: number): CustomerEvent | undefined => {
    const source = `${options.source ?? 'events'}[${index}]`;
    const at = Date.parse(String((data as { at?: unknown } | null)?.at));
    try {
      const window = options.eventTimes ?? DEFAULT_EVENT_TIME_WINDOW;
      // Checked as if posted at its own time: a history's old events are not "in the past" of themselves.
      const event = parseCustomerEvent(
        data,
        source,
        Number.isNaN(at)
          ? undefined
          : { now: new Date(at), window, customEvents: options.customEvents ?? {} },
      );
      if (!isErasure(event)) return event;
      rejected.push({
        source,
        field: 'type',
        value: event.type,
        expected:
          'a purchase, profile, feedback or complaint event: an erasure is not replayed (erase the customer after loading)',
      });
      return undefined;
    } catch (e) {
      if (!(e instanceof InvalidEventError)) throw e;
      rejected.push(...e.problems);
      return undefined;
    }
  };
  if (Array.isArray(events)) {
    const valid = events.flatMap((e, i) => check(e, i) ?? []);
    // Stable: events at one instant keep the order they were given in.
    yield* valid
      .map((event, i) => ({ event, i, t: Date.parse(event.at) }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map(({ event }) => event);
    return;
  }
  let index = 0;
  for await (const data of events as AsyncIterable<unknown>) {
    const event = check(data, index++);
    if (event) yield event;
  }
}

function outOfOrder(event: CustomerEvent, now: number, source = 'events'): Problem {
  return {
    source,
    field: 'at',
    value: event.at,
    expected:
      `a time no earlier than ${canonicalTime(new Date(now))}, the time already replayed to (event ` +
      `${event.eventId} of customer ${event.customerId}): give the events in time order`,
  };
}
