import { hash } from 'node:crypto';

/** How many partitions the due index is spread over (see dueShard). */
export const DUE_SHARDS = 16;

/** A customer's due shard by number: both stores order the due index by it (no AWS SDK here). */
export function shardOf(customerId: string): number {
  return hash('sha256', customerId, 'buffer').readUInt16BE(0) % DUE_SHARDS;
}
