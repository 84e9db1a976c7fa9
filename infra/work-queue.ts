import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue';
import type { HandlerFunction } from './handler-function';
import { namePrefixOf } from './stage';
import {
  VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT,
  WORK_QUEUES,
  workDeadLetterQueueName,
  workQueueName,
} from './work-settings';

export interface WorkQueueProps {
  /** The short name: its receive count and batch size are WORK_QUEUES[name]. */
  name: keyof typeof WORK_QUEUES;
  /** The consumer: its timeout sets the visibility timeout. */
  consumer: HandlerFunction;
  /** Concurrent invocations of the consumer at most (the event source mapping's maximum concurrency). */
  maxConcurrency: number;
}

export interface WorkQueue {
  queue: Queue;
  deadLetters: Queue;
}

/**
 * A queue between two functions, encrypted (SQS-managed keys, so senders need no KMS grant), refusing any
 * request without TLS, with its dead-letter queue (14 days), and consumed by `consumer` through an event
 * source mapping that reports batch item failures: only the messages that failed come back, and after
 * maxReceiveCount they wait in the dead-letter queue for a redrive, never dropped.
 */
export function workQueue(scope: Construct, id: string, props: WorkQueueProps): WorkQueue {
  const prefix = namePrefixOf(scope);
  const deadLetters = deadLetterQueue(scope, `${id}DeadLetters`, workDeadLetterQueueName(props.name, prefix));
  const timeout = props.consumer.fn.timeout ?? Duration.seconds(3);
  const queue = new Queue(scope, id, {
    queueName: workQueueName(props.name, prefix),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // A batch throttled or retried by Lambda must not reappear while an invocation still holds it.
    visibilityTimeout: Duration.seconds(timeout.toSeconds() * VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: WORK_QUEUES[props.name].maxReceiveCount },
  });
  consume(props.consumer.fn, queue, props);
  return { queue, deadLetters };
}

function consume(fn: IFunction, queue: Queue, props: WorkQueueProps): void {
  fn.addEventSource(
    new SqsEventSource(queue, {
      batchSize: WORK_QUEUES[props.name].batchSize,
      maxConcurrency: props.maxConcurrency,
      reportBatchItemFailures: true,
    }),
  );
}
