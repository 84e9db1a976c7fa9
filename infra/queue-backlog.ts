import { Duration } from 'aws-cdk-lib';
import { GraphWidget, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

export interface WorkQueueView {
  title: string;
  queue: IQueue;
}

const PERIOD = Duration.minutes(1);

/**
 * The backlog of the work queues, one graph each: messages waiting and in flight (left), and the age of
 * the oldest (right). What an on-call engineer watches on a festival morning: a backlog that grows while
 * its oldest message ages is a consumer at its maximum concurrency (or failing); one that drains is fine.
 */
export function queueBacklog(queues: readonly WorkQueueView[]): IWidget[] {
  return queues.map(
    ({ title, queue }) =>
      new GraphWidget({
        title: `${title} (backlog)`,
        left: [
          queue.metricApproximateNumberOfMessagesVisible({
            label: 'Waiting',
            statistic: 'Maximum',
            period: PERIOD,
          }),
          queue.metricApproximateNumberOfMessagesNotVisible({
            label: 'In flight',
            statistic: 'Maximum',
            period: PERIOD,
          }),
        ],
        right: [
          queue.metricApproximateAgeOfOldestMessage({
            label: 'Oldest message (s)',
            statistic: 'Maximum',
            period: PERIOD,
          }),
        ],
        width: 8,
        height: 6,
        period: PERIOD,
      }),
  );
}
