import { FUNCTION_TIMEOUT_SECONDS } from '../../infra/work-settings';
import type { LambdaHandler } from '../lambda';
import { invokeLambda } from '../lambda';
import { LATENCY_MS } from './latency';
import type { VirtualClock } from './clock';

/** What Lambda answers a synchronous invoke (a Step Functions Task) when no slot is free. */
export class LambdaThrottledError extends Error {
  constructor(fn: string) {
    super(`Rate Exceeded: ${fn} has no free concurrency`);
    // The name Step Functions' Retry and Catch match on.
    this.name = 'Lambda.TooManyRequestsException';
  }
}

export interface FunctionStats {
  invocations: number;
  throttles: number;
  peakConcurrency: number;
  /** Slot-milliseconds used: the GB-seconds of the bill, per GB. */
  busyMs: number;
  /** Invocations that ran past the function's timeout (Lambda would have cut them): must stay 0. */
  timedOut: number;
}

/** A function's timeout (ms): the stack's (infra/work-settings.ts), or 60 s for one it does not list. */
export function timeoutMsOf(fn: string): number {
  return ((FUNCTION_TIMEOUT_SECONDS as Record<string, number>)[fn] ?? 60) * 1000;
}

/**
 * Lambda concurrency: the account's limit, shared by every function without a reservation, and each
 * reserved function's own slots (AWS keeps 100 unreserved). An invocation holds a slot while its
 * handler runs: the virtual time of the calls it awaits, plus Lambda's own overhead.
 */
export class LambdaPool {
  private readonly inUse = new Map<string, number>();
  private unreservedInUse = 0;
  private readonly unreserved: number;
  readonly stats = new Map<string, FunctionStats>();
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly accountLimit: number,
    private readonly reserved: Readonly<Record<string, number>> = {},
    /** What AWS keeps unreserved (100; less in a model scaled down). */
    minUnreserved = 100,
  ) {
    const total = Object.values(reserved).reduce((a, b) => a + b, 0);
    if (accountLimit - total < minUnreserved)
      throw new Error(
        `reserved concurrency ${total} leaves fewer than ${minUnreserved} of ${accountLimit} unreserved`,
      );
    this.unreserved = accountLimit - total;
  }

  statsOf(fn: string): FunctionStats {
    let s = this.stats.get(fn);
    if (!s)
      this.stats.set(fn, (s = { invocations: 0, throttles: 0, peakConcurrency: 0, busyMs: 0, timedOut: 0 }));
    return s;
  }

  /** Takes a slot for `fn` if one is free. */
  tryAcquire(fn: string): boolean {
    const used = this.inUse.get(fn) ?? 0;
    const own = this.reserved[fn];
    if (own !== undefined ? used >= own : this.unreservedInUse >= this.unreserved) return false;
    if (own === undefined) this.unreservedInUse++;
    this.inUse.set(fn, used + 1);
    const s = this.statsOf(fn);
    s.peakConcurrency = Math.max(s.peakConcurrency, used + 1);
    return true;
  }

  release(fn: string): void {
    this.inUse.set(fn, (this.inUse.get(fn) ?? 1) - 1);
    if (this.reserved[fn] === undefined) this.unreservedInUse--;
    // Event source mappings waiting for a slot poll again.
    for (const wake of this.waiters) wake();
  }

  /** Called whenever a slot frees: an event source mapping's poller. */
  onRelease(wake: () => void): void {
    this.waiters.push(wake);
  }

  /**
   * Runs the handler in a slot already taken (tryAcquire), and frees it after. Its context counts down
   * the function's timeout in virtual time (getRemainingTimeInMillis), as the handlers' deadlines read it.
   */
  async run<E, R>(fn: string, handler: LambdaHandler<E, R>, event: E): Promise<R> {
    const s = this.statsOf(fn);
    s.invocations++;
    const started = this.clock.now();
    const timeoutMs = timeoutMsOf(fn);
    try {
      await this.clock.sleep(LATENCY_MS.invoke);
      return await invokeLambda(fn, handler, event, timeoutMs - LATENCY_MS.invoke);
    } finally {
      const took = this.clock.now() - started;
      s.busyMs += took;
      if (took > timeoutMs) s.timedOut++;
      this.release(fn);
    }
  }

  /** A synchronous invoke (Step Functions' Task): throttled at once when no slot is free. */
  async invoke<E, R>(fn: string, handler: LambdaHandler<E, R>, event: E): Promise<R> {
    if (!this.tryAcquire(fn)) {
      this.statsOf(fn).throttles++;
      throw new LambdaThrottledError(fn);
    }
    return this.run(fn, handler, event);
  }
}
