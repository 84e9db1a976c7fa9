import * as FakeTimers from '@sinonjs/fake-timers';

type InstalledClock = FakeTimers.Clock;
import type { Clock } from '../domain/clock';
import type { Activity } from './activity';

export interface VirtualTime {
  clock: Clock;
  /**
   * Lets time pass, jumping from one timer to the next, until nothing is left to do or `until` is reached.
   * Time only jumps while no SDK call or task is in flight, so every timestamp is exact and repeatable.
   */
  run(activity: Activity, options?: { until?: string | Date; maxTimers?: number }): Promise<void>;
  uninstall(): void;
}

/**
 * Replaces the timers and Date of this process with a virtual clock, so a journey with a 3-day wait
 * runs in milliseconds. Only timers and Date are faked: faking nextTick or setImmediate breaks sockets.
 */
export function installVirtualTime(
  start: string | Date,
  options: {
    /**
     * `now-only` fakes `Date.now()` and leaves `Date` itself alone: `new Date()` then reads the wall
     * clock, but every other `new Date(x)` stays native. fake-timers' Date wraps every construction, a
     * tenth of a simulation's time. Only for code that reads the time through `Date.now()` or a Clock
     * (the simulator: domain code, aws-local-stepfunctions); emulators read `new Date()`.
     */
    date?: 'full' | 'now-only';
  } = {},
): VirtualTime {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  const fakeDate = options.date !== 'now-only';
  const fake: InstalledClock = FakeTimers.install({
    now: new Date(start).getTime(),
    toFake: [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      ...(fakeDate ? ['Date' as const] : []),
    ],
    shouldClearNativeTimers: true,
  });
  const realDateNow = Date.now;
  if (!fakeDate) Date.now = () => fake.now;
  // Zero-delay timers (dynalite activating a table, stream plumbing) must run as they would in real
  // life even between `run` calls; running what is due now never moves virtual time.
  let pump: ReturnType<typeof setTimeout> | undefined;
  const schedulePump = () => {
    pump = realSetTimeout(() => {
      runDue(fake);
      schedulePump();
    }, 1);
    pump.unref?.();
  };
  schedulePump();

  return {
    clock: { now: () => new Date(fake.now) },
    run: (activity, options = {}) =>
      runTimers(fake, activity, options, { setTimeout: realSetTimeout, clearTimeout: realClearTimeout }),
    uninstall: () => {
      realClearTimeout(pump);
      fake.uninstall();
      if (!fakeDate) Date.now = realDateNow;
    },
  };
}

/** VirtualTime.run: the timers of `fake`, one after another, each once the work before it is done. */
async function runTimers(
  fake: InstalledClock,
  activity: Activity,
  options: { until?: string | Date; maxTimers?: number },
  real: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout },
): Promise<void> {
  const until = options.until === undefined ? Infinity : new Date(options.until).getTime();
  const maxTimers = options.maxTimers ?? 100_000;
  let fired = 0;
  let stalledSince: number | undefined;
  let lastCompleted = activity.completed;
  for (;;) {
    await realTurn();
    const firedDue = runDue(fake); // timers due now run without moving time
    if (activity.inFlight > 0) {
      // Work in flight that waits on a virtual timer would wait forever. The local runtime leaves none
      // (its SDK clients retry at once), so this is a safety net: after 10 s of real time in which
      // nothing finished, let the next timer fire as it would in reality. Slow progress (a cold
      // emulator, hundreds of sends, a busy CI machine) must never see time jump under it.
      if (stalledSince === undefined || activity.completed !== lastCompleted) {
        stalledSince = performance.now();
        lastCompleted = activity.completed;
      } else if (performance.now() - stalledSince > STALL_MS && fake.countTimers() > 0) {
        fake.next();
        stalledSince = undefined;
      }
      // Sleep until a piece of work finishes or starts; the zero-delay pump keeps timers due now running.
      await activity.changed(50, real);
      continue;
    }
    stalledSince = undefined;
    if (!(await settled(activity, !firedDue && nothingPending()))) continue;
    const next = nextTimerAt(fake);
    if (next === undefined || next > until) break;
    if (++fired > maxTimers)
      throw new Error(`virtual time: more than ${maxTimers} timers fired; is something looping?`);
    fake.next();
  }
  // tick, not setSystemTime: the latter would shift pending timers along with the clock. Nothing is due
  // before `until` any more, so this fires nothing; it only moves time on.
  if (until !== Infinity && fake.now < until) fake.tick(until - fake.now);
}

/**
 * Settle: a finished call usually schedules more work a few turns later, so time moves on only after
 * five quiet turns, or as soon as a turn ends with nothing left that could start work (nothingPending):
 * the remaining turns would only confirm it, and in a simulation they were most of its turns of the
 * event loop. `quietNow` tells that of the turn just taken.
 */
async function settled(activity: Activity, quietNow: boolean): Promise<boolean> {
  if (quietNow) return true;
  for (let i = 0; i < 5; i++) {
    await realTurn();
    if (activity.inFlight > 0) return false;
    if (nothingPending()) return true;
  }
  return true;
}

const realTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Handles that start no work while a run settles: the standard streams, which it never reads. */
const PASSIVE = new Set(['TTYWrap', 'PipeWrap']);

/**
 * True when, right after a turn, nothing could start work on a later one: no callback is waiting in the
 * event loop (immediate, I/O request, referenced real timer, socket). A run's continuation is the first
 * callback of its turn, so no promise job is waiting either; virtual timers move only when `run` moves
 * them. Anything unknown counts as pending, and the run settles for its five turns as before.
 */
function nothingPending(): boolean {
  for (const resource of process.getActiveResourcesInfo()) if (!PASSIVE.has(resource)) return false;
  return true;
}

/** Real time with work in flight and none of it finishing before the stall rule lets a timer fire. */
const STALL_MS = 10_000;

/** fake-timers keeps its timers in a min-heap by due time (v15); older versions only in a map. */
type WithHeap = { timerHeap?: { peek(): { callAt: number } | undefined } };

/** When fake-timers' next timer fires: its own heap when it has one (a peek), else a scan. */
export function nextTimerAt(fake: InstalledClock): number | undefined {
  const heap = (fake as unknown as WithHeap).timerHeap;
  if (heap) return heap.peek()?.callAt;
  if (fake.countTimers() === 0) return undefined;
  const timers = (fake as unknown as { timers?: Map<unknown, { callAt: number }> }).timers;
  const times = [...(timers?.values() ?? [])].map((t) => t.callAt);
  return times.length ? Math.min(...times) : undefined;
}

/**
 * Runs the timers due now, without moving time; true if any was. Only when one is due: fake-timers'
 * `tick(0)` looks at every pending timer when none is, and a population's journeys keep thousands waiting.
 */
function runDue(fake: InstalledClock): boolean {
  const next = nextTimerAt(fake);
  if (next === undefined || next > fake.now) return false;
  fake.tick(0);
  return true;
}
