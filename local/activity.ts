/**
 * Counts work in flight (SDK calls, task invocations, HTTP requests). Virtual time may only jump ahead
 * when nothing is in flight; otherwise a request's own timers would fire in the middle of it.
 */
export class Activity {
  private count = 0;
  private waiters: (() => void)[] = [];

  get inFlight(): number {
    return this.count;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
      if (this.count === 0) this.waiters.splice(0).forEach((w) => w());
    }
  }
}
