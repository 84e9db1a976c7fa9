import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerStore } from '../../domain/ports';
import { isConditionFailure } from './condition-failure';
import { keys } from './keys';

/**
 * CustomerStore.recordJourneyEnd: one UpdateItem that sets `ended` only on an entry that exists and has
 * none. An update, not a put of the read entry: nothing else on the entry (a conversion, a pre-emption
 * written meanwhile) can be overwritten, and an erased customer's entry is never recreated.
 */
export function journeyEnds(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Pick<CustomerStore, 'recordJourneyEnd'> {
  return {
    async recordJourneyEnd({ customerId, journeyId, executionName }, ended) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.journeyEntry(customerId, journeyId, executionName),
            UpdateExpression: 'SET #ended = :ended',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#ended)',
            ExpressionAttributeNames: { '#ended': 'ended' },
            ExpressionAttributeValues: { ':ended': ended },
          }),
        );
        return true;
      } catch (e) {
        if (isConditionFailure(e)) return false;
        throw e;
      }
    },
  };
}
