/**
 * A token bucket as AWS throttles with it: `burst` tokens at most, refilled at `perSecond`. `take` is
 * false when the call would be throttled. Refilled lazily from the clock, so it costs nothing while idle.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  taken = 0;
  throttled = 0;
  /** When the last call was let through (ms since the epoch). */
  lastTakenAt = 0;
  /**
   * Most calls let through in any one window (counted from its first call), a second by default, per
   * second: a model scaled down counts over a longer window, where a second holds only a few calls.
   */
  peakPerSecond = 0;
  private windowStart = -Infinity;
  private inWindow = 0;

  constructor(
    private readonly limits: { burst: number; perSecond: number },
    private readonly now: () => number,
    /** Scales the refill rate at a time (e.g. 0.5 during an outage of half the quota); 1 by default. */
    private readonly rateAt: (t: number) => number = () => 1,
    private readonly windowMs = 1_000,
  ) {
    this.tokens = limits.burst;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    const rate = this.limits.perSecond * this.rateAt(t);
    this.tokens = Math.min(this.limits.burst, this.tokens + ((t - this.last) / 1000) * rate);
    this.last = t;
    if (this.tokens < 1) {
      this.throttled++;
      return false;
    }
    this.tokens -= 1;
    this.taken++;
    this.lastTakenAt = t;
    if (t - this.windowStart >= this.windowMs) {
      this.windowStart = t;
      this.inWindow = 0;
    }
    this.peakPerSecond = Math.max(this.peakPerSecond, (++this.inWindow * 1000) / this.windowMs);
    return true;
  }
}
