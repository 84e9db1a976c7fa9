/**
 * Counts work in flight (SDK calls, task invocations, HTTP requests). Virtual time may only jump ahead
 * when nothing is in flight; otherwise a request's own timers would fire in the middle of it.
 */
export class Activity {
  private count = 0;
  private finished = 0;

  get inFlight(): number {
    return this.count;
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

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
      this.finished++;
    }
  }
}
