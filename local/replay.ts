import { memoryPublisher, memoryStarter, memoryStore } from '../adapters/memory/stores';
import type { Clock } from '../domain/clock';
import type { CustomerEvent } from '../domain/events/schema';
import { ingestEvent } from '../domain/ingest';
import type { Journey } from '../domain/journey/schema';
import type { Lifecycle } from '../domain/lifecycle/schema';
import { sweep } from '../domain/sweep';
import { NO_CALENDAR, type Calendar } from '../domain/journey/compile';

export interface ReplayResult {
  store: ReturnType<typeof memoryStore>;
  starter: ReturnType<typeof memoryStarter>;
  stageCounts: Record<string, number>;
  sweeps: number;
}

/**
 * Replays a purchase history through the real lifecycle code (ingest and the sweeper) in virtual time,
 * on in-memory stores: a day-by-day sweep as EventBridge Scheduler would run it, events applied at the
 * time they happened. The seed of the simulator: no AWS, no I/O, a population in seconds.
 */
export async function replayHistory(
  events: readonly CustomerEvent[],
  options: {
    lifecycle: Lifecycle;
    journeys?: readonly Journey[];
    calendar?: Calendar;
    until: string;
    sweepEvery?: number;
  },
): Promise<ReplayResult> {
  const store = memoryStore();
  const starter = memoryStarter();
  let now = 0;
  const clock: Clock = { now: () => new Date(now) };
  const deps = {
    store,
    starter,
    clock,
    lifecycle: options.lifecycle,
    journeys: options.journeys ?? [],
    calendar: options.calendar ?? NO_CALENDAR,
    publisher: memoryPublisher(),
  };
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
  const every = options.sweepEvery ?? 86_400_000;
  const until = Date.parse(options.until);
  let nextSweep = sorted.length ? Date.parse(sorted[0]!.at) : until;
  let sweeps = 0;
  const sweepUpTo = async (t: number) => {
    while (nextSweep <= t) {
      now = nextSweep;
      await sweep(deps);
      sweeps++;
      nextSweep += every;
    }
  };
  for (const event of sorted) {
    const at = Date.parse(event.at);
    if (at > until) break;
    await sweepUpTo(at);
    now = at;
    await ingestEvent(event, deps);
  }
  await sweepUpTo(until);
  now = until;
  await sweep(deps);
  const stageCounts: Record<string, number> = {};
  for (const p of store.profiles.values()) stageCounts[p.stage] = (stageCounts[p.stage] ?? 0) + 1;
  return { store, starter, stageCounts, sweeps };
}
