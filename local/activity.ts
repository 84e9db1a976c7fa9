/**
 * Counts work in flight (SDK calls, task invocations, HTTP requests). Virtual time may only jump ahead
 * when nothing is in flight; otherwise a request's own timers would fire in the middle of it.
 */
export class Activity {
  private count = 0;
  private finished = 0;
  private deferred = 0;
  private waiters: (() => void)[] = [];

  get inFlight(): number {
    return this.count;
  }

  /**
   * Work set to begin after a delay (see defer), not begun yet. Not in flight, so that virtual time may move
   * on to it; a waiter on real time checks it too, or it takes a runtime with a report still to come for
   * one at rest.
   */
  get scheduled(): number {
    return this.deferred;
  }

  /**
   * Runs `work` after `ms` (of virtual time under virtual time), tracked once it begins. A timer still
   * pending when the runtime stops is dropped: it never holds the process open.
   */
  defer(ms: number, work: () => Promise<unknown>, onError: (e: unknown) => void): void {
    this.deferred++;
    const timer = setTimeout(() => {
      this.deferred--;
      this.track(work).catch(onError);
    }, ms);
    (timer as { unref?: () => void }).unref?.();
  }

  /** How many pieces of work have finished so far: tells slow progress from none. */
  get completed(): number {
    return this.finished;
  }

  /**
   * Resolves once nothing is in flight, or after `limitMs` of real time. Polls with setImmediate and
   * measures with performance.now, which virtual time never fakes, so a stop under fake timers drains too.
   */
  async drained(limitMs = 5_000): Promise<boolean> {
    const until = performance.now() + limitMs;
    while (this.count > 0 && performance.now() < until) await new Promise((r) => setImmediate(r));
    return this.count === 0;
  }

  /**
   * Resolves when a piece of work finishes (or another starts), or after `limitMs` of real time: lets a
   * waiter sleep instead of spinning, which on a 2-core machine would take CPU from the work it waits for.
   * `real` holds the unfaked timers (virtual time replaces the global ones).
   */
  changed(
    limitMs: number,
    real: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } = globalThis,
  ): Promise<void> {
    return new Promise((resolve) => {
      const timer = real.setTimeout(() => resolve(), limitMs);
      this.waiters.push(() => {
        real.clearTimeout(timer);
        resolve();
      });
    });
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count++;
    this.notify();
    try {
      return await work();
    } finally {
      this.count--;
      this.finished++;
      this.notify();
    }
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
