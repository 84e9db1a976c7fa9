import * as FakeTimers from '@sinonjs/fake-timers';
import type { Clock } from '../../domain/clock';
import { nextTimerAt } from '../virtual-time';

/**
 * Virtual time for the capacity model: one event queue (fake-timers' timer heap) for everything that
 * waits, the model's modelled latencies and aws-local-stepfunctions' own Wait, Retry and timeout timers
 * alike. Time jumps from one instant to the next; between instants every promise continuation runs to
 * its next wait (one real macrotask turn drains the microtask queue), so a handler's awaits take exactly
 * the virtual time the model gives its calls. No real I/O may run under it: the model has none.
 */
export class VirtualClock {
  private readonly fake: FakeTimers.Clock;
  private readonly realDateNow = Date.now;
  /** Instants the clock stopped at (each fired every timer due then): the model's event count. */
  instants = 0;
  readonly clock: Clock = { now: () => new Date(this.fake.now) };

  constructor(start: string | Date) {
    this.fake = FakeTimers.install({
      now: new Date(start).getTime(),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
      shouldClearNativeTimers: true,
    });
    // Only Date.now: `new Date(x)` stays native (fake-timers' Date wraps every construction, and slows).
    Date.now = () => this.fake.now;
  }

  now(): number {
    return this.fake.now;
  }

  /** Resolves after `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Calls `fn` at virtual time `at` (now, if that has passed). */
  at(at: number, fn: () => void): void {
    setTimeout(fn, Math.max(0, at - this.fake.now));
  }

  /**
   * Runs virtual time until nothing waits any more, `until` is reached, or `done()` says so (checked at
   * each instant, after everything due then has run).
   */
  async run(options: { until?: number; done?: () => boolean } = {}): Promise<void> {
    const until = options.until ?? Infinity;
    for (;;) {
      await settle();
      if (options.done?.()) return;
      const next = nextTimerAt(this.fake);
      if (next === undefined || next > until) break;
      this.instants++;
      // Every timer due at that instant fires; their continuations run on the next turn. One at a time
      // from the heap: `tick` looks at every pending timer, and a population keeps millions pending.
      this.fake.next();
      while (nextTimerAt(this.fake) === next) this.fake.next();
    }
    if (until !== Infinity && this.fake.now < until) this.fake.tick(until - this.fake.now);
  }

  uninstall(): void {
    this.fake.uninstall();
    Date.now = this.realDateNow;
  }
}

const realImmediate = globalThis.setImmediate;
const realTurn = () => new Promise<void>((resolve) => realImmediate(resolve));

/**
 * One turn drains every promise continuation; code that yields a turn itself (the local Step Functions'
 * callback tasks do, with setImmediate) needs more: turns until no immediate is pending, a few at most.
 */
async function settle(): Promise<void> {
  await realTurn();
  for (let i = 0; i < 8 && process.getActiveResourcesInfo().includes('Immediate'); i++) await realTurn();
}
