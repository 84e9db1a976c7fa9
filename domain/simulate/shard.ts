/**
 * A part of a population: customers are independent of one another (caps, quiet hours, journeys and
 * sweeps all work per customer), so a population can be simulated in parts, one per core, each part in
 * batches one after another (batchOf), and the results added up (merge.ts). A customer's part is a hash
 * of their id: stable, and even across parts.
 */
export interface Shard {
  index: number;
  count: number;
}

/** `i/N` with 0 ≤ i < N, or undefined. */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && index < count ? { index, count } : undefined;
}

export function inShard(customerId: string, shard: Shard): boolean {
  // FNV-1a, 32 bits: cheap, and spreads similar ids ("cdnow-00001", "cdnow-00002") evenly.
  let hash = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) {
    hash ^= customerId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shard.count === shard.index;
}

/**
 * Batch `batch` of `batches` of a part: the part split again by the same hash, so that a process can
 * simulate its part a batch at a time, its memory bounded by the batch and not by the population. The
 * batches of part i/N are parts i + N·b of N·B (a hash ≡ i + N·b mod N·B is ≡ i mod N): together exactly
 * part i/N, and batch 0 of part 0 is part 0 of the whole, the one that counts the per-account costs.
 */
export function batchOf(part: Shard, batch: number, batches: number): Shard {
  return { index: part.index + part.count * batch, count: part.count * batches };
}

/** How many batches a part needs so that none holds more than about `batchSize` customers. */
export function batchesFor(customers: number, part: Shard, batchSize: number): number {
  return Math.max(1, Math.ceil(customers / part.count / batchSize));
}

/** Below this many customers a process each, starting one more process costs more than it saves. */
export const CUSTOMERS_PER_EXTRA_PROCESS = 10_000;

/**
 * How many processes simulate a population: the number asked for, or with `auto` one per core, as long as
 * each has at least CUSTOMERS_PER_EXTRA_PROCESS customers to do (each process starts, compiles and sweeps
 * the whole period on its own: a second is wasted on a small population). The result is the same either way.
 */
export function processesFor(requested: 'auto' | number, customers: number, cores: number): number {
  if (requested !== 'auto') return requested;
  return Math.max(1, Math.min(cores, Math.floor(customers / CUSTOMERS_PER_EXTRA_PROCESS)));
}
