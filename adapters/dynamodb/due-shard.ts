import { hash } from 'node:crypto';

/**
 * A customer's due shard by number, out of `shards` (scale.dueShards): both stores order the due index by
 * it (no AWS SDK here). Raising `shards` moves a customer to another shard only when they are next written;
 * until then they stay where they were, below the old number and so below the new one, where the sweep,
 * which reads every shard below the number, still finds them.
 */
export function shardOf(customerId: string, shards: number): number {
  return hash('sha256', customerId, 'buffer').readUInt16BE(0) % shards;
}
