/**
 * Node (and fake timers) clamp a setTimeout longer than 2^31-1 ms (~24.8 days) to 1 ms, and
 * aws-local-stepfunctions puts a Wait state into a single setTimeout: locally, a `wait: 30d` would end
 * at once. While installed, long timeouts are chained in steps instead, so the same ASL waits as long
 * locally as on AWS. Shorter timers are untouched.
 */
const MAX_DELAY = 2 ** 31 - 1;

interface LongTimer {
  current: ReturnType<typeof setTimeout> | undefined;
  cleared: boolean;
  ref(): LongTimer;
  unref(): LongTimer;
  hasRef(): boolean;
}

export function installLongTimers(): () => void {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const long = new WeakSet<object>();

  const setLong = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if (typeof ms !== 'number' || ms <= MAX_DELAY) return realSet(fn, ms, ...args);
    const due = Date.now() + ms;
    const timer: LongTimer = {
      current: undefined,
      cleared: false,
      ref: () => (timer.current?.ref(), timer),
      unref: () => (timer.current?.unref(), timer),
      hasRef: () => timer.current?.hasRef() ?? false,
    };
    const step = () => {
      if (timer.cleared) return;
      const left = due - Date.now();
      timer.current =
        left > MAX_DELAY ? realSet(step, MAX_DELAY) : realSet(() => fn(...args), Math.max(0, left));
    };
    step();
    long.add(timer);
    return timer as unknown as ReturnType<typeof setTimeout>;
  }) as typeof setTimeout;

  const clearLong = ((handle?: unknown) => {
    if (handle && typeof handle === 'object' && long.has(handle)) {
      const timer = handle as LongTimer;
      timer.cleared = true;
      realClear(timer.current);
      return;
    }
    realClear(handle as Parameters<typeof clearTimeout>[0]);
  }) as typeof clearTimeout;

  globalThis.setTimeout = setLong;
  globalThis.clearTimeout = clearLong;
  return () => {
    if (globalThis.setTimeout === setLong) globalThis.setTimeout = realSet;
    if (globalThis.clearTimeout === clearLong) globalThis.clearTimeout = realClear;
  };
}
