import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';
import { LOCAL_REGION } from './lambda';

/** One SNS notification as Lambda receives it from a subscription. */
export function snsEvent(message: unknown, now: Date): SNSEvent {
  const messageId = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `arn:aws:sns:${LOCAL_REGION}:000000000000:rapport-local:${messageId}`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: `arn:aws:sns:${LOCAL_REGION}:000000000000:rapport-local`,
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: now.toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}
