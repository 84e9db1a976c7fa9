import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomerStore, SweepCursors } from '../../domain/ports';

/** The one item that says who sweeps now and where the last sweep left off (no customer's data). */
export const SWEEP_LEASE_KEY = { pk: 'SWEEP', sk: 'LEASE' } as const;

const conditionFailed = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException';

/**
 * The sweep coordinator's lease, by conditional update of one item: taken only when free or passed (a
 * coordinator that died lets it go when its Lambda would have been stopped), left only by its holder.
 */
export function sweepLease(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Pick<CustomerStore, 'takeSweepLease' | 'leaveSweepLease'> {
  return {
    async takeSweepLease(holder, now, until) {
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: SWEEP_LEASE_KEY,
            UpdateExpression: 'SET #holder = :holder, #until = :until',
            ConditionExpression: 'attribute_not_exists(#until) OR #until <= :now',
            ExpressionAttributeNames: { '#holder': 'holder', '#until': 'leaseUntil' },
            ExpressionAttributeValues: { ':holder': holder, ':until': until, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return (Attributes?.cursors as SweepCursors | undefined) ?? {};
      } catch (e) {
        if (conditionFailed(e)) return undefined;
        throw e;
      }
    },
    async leaveSweepLease(holder, cursors) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: SWEEP_LEASE_KEY,
            UpdateExpression: 'SET #cursors = :cursors REMOVE #holder, #until',
            ConditionExpression: '#holder = :holder',
            ExpressionAttributeNames: { '#holder': 'holder', '#until': 'leaseUntil', '#cursors': 'cursors' },
            ExpressionAttributeValues: { ':holder': holder, ':cursors': cursors },
          }),
        );
        return true;
      } catch (e) {
        if (conditionFailed(e)) return false;
        throw e;
      }
    },
  };
}
