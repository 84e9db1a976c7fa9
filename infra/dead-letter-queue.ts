import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue that keeps what could not be delivered or processed for 14 days: encrypted at rest (SQS-managed
 * keys, so senders need no KMS grant) and refusing any request made without TLS. Named when something
 * looks it up by name (`npx rapport redrive`); the older ones keep the generated name they have.
 *
 * Retained: what it holds (events, starts, bounces not handled) must outlive a `cdk destroy`. A named one
 * left behind must be emptied and deleted (or imported) before the same stage is deployed again.
 */
export function deadLetterQueue(scope: Construct, id: string, queueName?: string): Queue {
  return new Queue(scope, id, {
    ...(queueName === undefined ? {} : { queueName }),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
