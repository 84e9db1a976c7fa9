/**
 * Seeded randomness for the population generator: xoroshiro128+ from pure-rand, one independent stream
 * per customer (the master stream jumped 2^64 steps per customer), so that a customer's life does not
 * depend on how the others' draws interleave and the same seed always gives the same population.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

type JumpableRandomGenerator = ReturnType<typeof xoroshiro128plus>;

export class Random {
  constructor(private readonly rng: JumpableRandomGenerator) {}

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.rng);
  }
  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.float();
  }
  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return Math.min(max, Math.floor(this.between(min, max + 1)));
  }
  chance(probability: number): boolean {
    return this.float() < probability;
  }
  /** One of the items, each as likely as its weight. */
  pick<T extends { share: number }>(items: readonly T[]): T {
    const total = items.reduce((s, i) => s + i.share, 0);
    let u = this.float() * total;
    for (const item of items) if ((u -= item.share) < 0) return item;
    return items[items.length - 1]!;
  }
  /** Exponentially distributed with this mean: the gap of a memoryless process. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }
  /** Log-normal with this median and σ of the log: how order values spread (many small, a long tail). */
  logNormal(median: number, sigma: number): number {
    // Box–Muller: one standard normal from two uniforms.
    const z = Math.sqrt(-2 * Math.log(1 - this.float())) * Math.cos(2 * Math.PI * this.float());
    return median * Math.exp(sigma * z);
  }
}

/** Gives each customer, in order, a stream of its own. */
export function randomStreams(seed: number): () => Random {
  const master = xoroshiro128plus(seed | 0);
  return () => {
    const own = master.clone();
    master.jump();
    return new Random(own);
  };
}
