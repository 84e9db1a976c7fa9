/**
 * Pacing by token bucket, as AWS throttles: `perSecond` tokens a second refill a bucket of at most
 * `burst`. A taker that finds the bucket empty reserves the next token (the count goes below zero) and
 * is told how long to wait for it, so concurrent takers queue up in order instead of all waking at once.
 * Pure: the time is given, never read.
 */
export interface Rate {
  perSecond: number;
  burst: number;
}

export interface Bucket {
  /** Tokens left; below zero, tokens already reserved by takers still waiting. */
  tokens: number;
  /** Epoch ms the count was taken at. */
  at: number;
}

export function fullBucket(rate: Rate, now: number): Bucket {
  return { tokens: rate.burst, at: now };
}

/** Takes one token at `now`: the bucket after, and how long the taker must wait before it acts (ms). */
export function takeToken(bucket: Bucket, rate: Rate, now: number): { bucket: Bucket; waitMs: number } {
  const at = Math.max(now, bucket.at);
  const refilled = Math.min(rate.burst, bucket.tokens + ((at - bucket.at) * rate.perSecond) / 1000);
  const tokens = refilled - 1;
  return { bucket: { tokens, at }, waitMs: tokens >= 0 ? 0 : (-tokens * 1000) / rate.perSecond };
}

/** Waits its turn under a rate, on an injected clock and sleep (the handler's; a test's virtual ones). */
export function createPacer(rate: Rate, time: { now: () => number; sleep: (ms: number) => Promise<void> }) {
  let bucket = fullBucket(rate, time.now());
  return {
    /** How long the next `take` would wait, without taking: to give up before a deadline instead. */
    peekWaitMs: () => takeToken(bucket, rate, time.now()).waitMs,
    async take(): Promise<void> {
      const taken = takeToken(bucket, rate, time.now());
      bucket = taken.bucket;
      if (taken.waitMs > 0) await time.sleep(taken.waitMs);
    },
  };
}
export type Pacer = ReturnType<typeof createPacer>;

/**
 * The rate one start-journey consumer keeps: the account-wide starts a second shared by as many consumers
 * as the start queue's event source mapping runs at once, so that all of them together stay under
 * `startsPerSecond`. A burst of one: a new consumer (Lambda scales them up and down) adds no burst.
 */
export function startConsumerRate(scale: { startsPerSecond: number; startConcurrency: number }): Rate {
  return { perSecond: scale.startsPerSecond / scale.startConcurrency, burst: 1 };
}
