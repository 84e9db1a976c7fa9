import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerStore, SweepCursors } from '../../domain/ports';
import type { StoreContext } from './store-context';

/** The one item that says who sweeps now and where the last sweep left off (no customer's data). */
export const SWEEP_LEASE_KEY = { pk: 'SWEEP', sk: 'LEASE' } as const;

interface LeaseItem {
  holder?: string;
  leaseUntil?: string;
  cursors?: SweepCursors;
  /** A new value on every write: a take is conditional on the item being the one it read. */
  stamp?: string;
}

/**
 * The sweep coordinator's lease in one item, by a consistent read and a conditional put (the store's
 * single-item writes: GetItem and PutItem, no UpdateItem). Taken only when free or passed (a coordinator
 * that died lets it go when its Lambda would have been stopped) and unchanged since read, so two runs
 * never both take it; left only by its holder.
 */
export function sweepLease({
  tableName,
  get,
  conditionally,
}: StoreContext): Pick<CustomerStore, 'takeSweepLease' | 'leaveSweepLease'> {
  const put = (item: LeaseItem, condition: Record<string, unknown>) =>
    conditionally(
      new PutCommand({ TableName: tableName, Item: { ...SWEEP_LEASE_KEY, ...item }, ...condition }),
    );
  return {
    async takeSweepLease(holder, now, until) {
      const read = await get<LeaseItem>(SWEEP_LEASE_KEY);
      if (read?.leaseUntil !== undefined && read.leaseUntil > now) return undefined;
      const cursors = read?.cursors ?? {};
      const taken = await put(
        { holder, leaseUntil: until, cursors, stamp: randomUUID() },
        read?.stamp === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'stamp = :stamp', ExpressionAttributeValues: { ':stamp': read.stamp } },
      );
      return taken ? cursors : undefined;
    },
    leaveSweepLease: (holder, cursors) =>
      put(
        { cursors, stamp: randomUUID() },
        { ConditionExpression: 'holder = :holder', ExpressionAttributeValues: { ':holder': holder } },
      ),
  };
}
