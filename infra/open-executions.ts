import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  GraphWidget,
  type Alarm,
  MathExpression,
  TreatMissingData,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { AWS_QUOTAS } from '../domain/config/scale';
import { MAX_EXECUTION_SECONDS } from '../domain/journey/limits';
import { METRIC } from '../functions/shared/observability';
import { rapportAlarm } from './alarm';
import { rapportMetric } from './metrics-namespace';

/** Alarm at this share of the open-executions quota: time to ask for more, or to end journeys sooner. */
export const OPEN_EXECUTIONS_ALARM_SHARE = 0.8;

const DAY = Duration.days(1);
const ENDED = ['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsAborted', 'ExecutionsTimedOut'];
/** Every state machine of the account: the quota is the account's (per region), not Rapport's alone. */
const search = (names: string[]) =>
  `SEARCH('{AWS/States,StateMachineArn} MetricName=(${names.map((n) => `"${n}"`).join(' OR ')})', 'Sum', ${DAY.toSeconds()})`;

/**
 * Open (running) Standard executions against AWS's quota (AWS_QUOTAS.openExecutions, per account and
 * region). CloudWatch has no gauge of open executions, so:
 * - the graph counts them: the running sum of executions started less those that ended, day by day, over
 *   every state machine in the account, across a range longer than any execution can run (a year), so that
 *   what is still open was started within it. It is an estimate: an execution started before the range
 *   and ended within it is subtracted without having been added (so it reads low by the executions open
 *   at the start of the range: none on a stack younger than the range), and CloudWatch metrics are
 *   best-effort (a datapoint may be late or missing).
 * - the alarm cannot use it (an alarm reads at most 7 days, and at most 10 metrics, where the journeys
 *   alone have 5 each), so it watches what fills the quota fast: journeys started by Rapport in the last
 *   7 days (its own JourneysStarted metric, ends not subtracted: an upper bound of what those added).
 *   A whole population entering a holiday journey trips it; a slow rise over months shows on the graph.
 */
export function openExecutions(scope: Construct): { widgets: IWidget[]; alarm: Alarm } {
  const quota = AWS_QUOTAS.openExecutions;
  const threshold = Math.round(OPEN_EXECUTIONS_ALARM_SHARE * quota);
  const open = new MathExpression({
    expression: `RUNNING_SUM(SUM(${search(['ExecutionsStarted'])}) - SUM(${search(ENDED)}))`,
    usingMetrics: {},
    label: 'Open executions (estimate)',
    period: DAY,
  });
  const startedThisWeek = rapportMetric(scope, METRIC.journeysStarted).with({ period: Duration.days(7) });
  const alarm = rapportAlarm(scope, 'OpenExecutionsAlarm', {
    runbook: 'open-executions',
    description:
      `Rapport started ${threshold} or more journeys in 7 days: with what was already open, the account ` +
      `may reach its ${quota} open Standard executions (StartExecution then fails with ExecutionLimitExceeded). ` +
      'Look at the dashboard graph "Open executions", ask for a higher quota (Service Quotas, Step Functions), ' +
      'or shorten the longest journeys',
    metric: startedThisWeek,
    threshold,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  // Longer than the longest execution (a year), within the 455 days CloudWatch keeps hourly data for.
  const rangeDays = Math.ceil(MAX_EXECUTION_SECONDS / DAY.toSeconds()) + 30;
  const graph = new GraphWidget({
    title: `Open executions (account quota ${quota})`,
    left: [open],
    leftAnnotations: [
      { value: threshold, label: `${OPEN_EXECUTIONS_ALARM_SHARE * 100}%` },
      { value: quota, label: 'quota' },
    ],
    start: `-P${rangeDays}D`,
    period: DAY,
    width: 18,
    height: 6,
  });
  return {
    widgets: [
      graph,
      new AlarmStatusWidget({ title: 'Open executions', alarms: [alarm], width: 6, height: 6 }),
    ],
    alarm,
  };
}
