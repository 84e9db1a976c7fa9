import { Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

/**
 * The alarms of the stack, by the key of their entry in README "Runbook: alarms": every alarm's
 * description ends with `(runbook: <key>)`, and a test fails when the README has no entry for a key an
 * alarm carries (tests/infra/alarms.test.ts).
 */
export const RUNBOOK = [
  'dead-letters',
  'dead-letters-age',
  'dead-letters-arrived',
  'messages-failed',
  'messages-in-doubt',
  'sweep-parked',
  'occasions-missed',
  'open-executions',
  'lambda-errors',
  'lambda-throttles',
  'journey-failed',
  'journey-timed-out',
  'journey-throttled',
  'table-throttles',
  'due-index-throttles',
  'table-system-errors',
  'api-5xx-rate',
  'api-latency-p99',
  'ses-bounce-rate-warning',
  'ses-bounce-rate-critical',
  'ses-complaint-rate-warning',
  'ses-complaint-rate-critical',
  'sms-spend',
  'sms-delivery-failures',
] as const;
export type RunbookKey = (typeof RUNBOOK)[number];

// One reading of the suffix for the synth checks and the chat messages (functions/alarm-chat).
export { runbookKeyOf } from '../functions/alarm-chat/alarm-message';

/** 0.0005 → `0.05%`, without the float noise of a plain `* 100` (0.07 * 100 is 7.000000000000001). */
export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}

export interface RapportAlarmProps {
  runbook: RunbookKey;
  /** What the alarm is about when its kind has several (a function, a journey, a queue): in its name. */
  subject?: string;
  /** What it means and what to look at first: the text of the notification email. */
  description: string;
  metric: IMetric;
  threshold: number;
  /** Default: greater than or equal to the threshold. */
  comparisonOperator?: ComparisonOperator;
  /** Default 1. */
  evaluationPeriods?: number;
  /**
   * Counts of bad things publish nothing when nothing happened: notBreaching. Gauges that publish only now
   * and then (SES reputation, SMS spend) ignore a gap rather than turn OK and back at each datapoint.
   */
  treatMissingData: TreatMissingData;
}

/**
 * An alarm named `<stack>-<runbook key>[-<subject>]` (`Rapport-lambda-errors-send-message`): the name a
 * person reads in the notification says what broke and where to look it up. The alarm and OK actions are
 * added to every alarm of the stack in one place (alarm-topic.ts AlarmActions).
 */
export function rapportAlarm(scope: Construct, id: string, props: RapportAlarmProps): Alarm {
  const name = [Stack.of(scope).stackName, props.runbook, props.subject].filter(Boolean).join('-');
  return new Alarm(scope, id, {
    alarmName: name,
    alarmDescription: `${props.description} (runbook: ${props.runbook})`,
    metric: props.metric,
    threshold: props.threshold,
    comparisonOperator: props.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    treatMissingData: props.treatMissingData,
  });
}
