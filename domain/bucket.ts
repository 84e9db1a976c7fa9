import { createHash } from 'node:crypto';

/** A stable place in [0, 100) for these parts (a hash of them): random across values, fixed for each. */
export function percentBucket(...parts: readonly string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}
