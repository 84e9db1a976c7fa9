import { createPacer, fullBucket, startConsumerRate, takeToken, type Rate } from '../../domain/pacing';

const rate: Rate = { perSecond: 10, burst: 3 };

/** A pacer on a virtual clock: sleeping moves the clock, and every moment a token was taken is kept. */
function virtualPacer(r: Rate) {
  let now = 0;
  const taken: number[] = [];
  const pacer = createPacer(r, { now: () => now, sleep: async (ms) => void (now += ms) });
  const take = async () => {
    await pacer.take();
    taken.push(now);
  };
  return { pacer, taken, take, advance: (ms: number) => void (now += ms) };
}

describe('token bucket', () => {
  it('a full bucket gives its burst at once, then one token per 1/rate', () => {
    let bucket = fullBucket(rate, 0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = takeToken(bucket, rate, 0);
      bucket = t.bucket;
      waits.push(t.waitMs);
    }
    // Concurrent takers reserve in turn: the 4th waits one interval, the 5th two.
    expect(waits.map(Math.round)).toEqual([0, 0, 0, 100, 200]);
  });

  it('refills with time, never above its burst', () => {
    const empty = { tokens: 0, at: 0 };
    expect(takeToken(empty, rate, 50).waitMs).toBeCloseTo(50);
    expect(takeToken(empty, rate, 10_000).bucket.tokens).toBeCloseTo(rate.burst - 1);
  });

  it('a clock that goes back does not mint tokens', () => {
    const t = takeToken({ tokens: 0, at: 1_000 }, rate, 500);
    expect(t.waitMs).toBeCloseTo(100);
  });
});

describe('pacer', () => {
  it('over any window, never more than burst + rate × window starts', async () => {
    const { taken, take } = virtualPacer(rate);
    for (let i = 0; i < 53; i++) await take();
    for (const from of taken) {
      const within = taken.filter((t) => t >= from && t < from + 1_000).length;
      expect(within).toBeLessThanOrEqual(rate.burst + rate.perSecond);
    }
    // 53 starts = 3 at once + 50 at 10/s: the last after five seconds.
    expect(taken.at(-1)).toBeCloseTo(5_000);
  });

  it('concurrent takers share one bucket (they queue up, none is lost)', async () => {
    const { taken, take } = virtualPacer({ perSecond: 2, burst: 1 });
    await Promise.all(Array.from({ length: 5 }, take));
    expect(taken).toHaveLength(5);
    expect(Math.max(...taken)).toBeGreaterThanOrEqual(2_000);
  });

  it('peekWaitMs tells the next wait without taking', async () => {
    const { pacer, take, advance } = virtualPacer({ perSecond: 4, burst: 1 });
    expect(pacer.peekWaitMs()).toBe(0);
    await take();
    expect(pacer.peekWaitMs()).toBeCloseTo(250);
    expect(pacer.peekWaitMs()).toBeCloseTo(250);
    advance(250);
    expect(pacer.peekWaitMs()).toBeCloseTo(0);
  });
});

describe('startConsumerRate', () => {
  it('all consumers together keep to startsPerSecond, with no burst of their own', () => {
    const r = startConsumerRate({ startsPerSecond: 100, startConcurrency: 4 });
    expect(r).toEqual({ perSecond: 25, burst: 1 });
    expect(r.perSecond * 4).toBe(100);
  });
});
