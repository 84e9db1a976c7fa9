import { Duration } from 'aws-cdk-lib';
import { GraphWidget, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';

/** Every dashboard graph's period: the alarms evaluate 5-minute sums too. */
export const PERIOD = Duration.minutes(5);

/** A graph of sums over PERIOD, a third of the 24-column row unless told otherwise. */
export const graph = (title: string, left: IMetric[], width = 8, right: IMetric[] = []) =>
  new GraphWidget({ title, left, right, width, height: 6, period: PERIOD, statistic: 'Sum' });
