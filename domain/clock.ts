/**
 * Time is injected everywhere in the domain and in handlers, so that tests and the simulator can run
 * months of customer life in seconds. Nothing outside `systemClock` may read the wall clock.
 */
export interface Clock {
  now(): Date;
}

// eslint-disable-next-line no-restricted-syntax -- the one sanctioned read of the wall clock; everything else is handed a Clock
export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    set: (next) => {
      t = Date.parse(next);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
