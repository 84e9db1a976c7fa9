import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { MathExpression, Metric, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { DUE_INDEX } from '../adapters/dynamodb/table';
import type { FunctionName } from '../functions/routes';
import { percent, rapportAlarm } from './alarm';
import type { AlarmSettings } from './alarm-settings';
import type { HandlerFunction } from './handler-function';
import { pascalCase } from './names';
import type { JourneyStateMachine } from './journey-state-machine';
import { TABLE_ACTIONS } from './table-access';

const PERIOD = Duration.minutes(5);
/** A throttle or latency alarm waits this many 5-minute periods: a crowd paced for a moment is not news. */
const SUSTAINED = 3;

/** Errors and throttles of each function, as a share of its invocations. */
export function functionAlarms(
  scope: Construct,
  functions: Record<FunctionName, HandlerFunction>,
  settings: AlarmSettings,
): Alarm[] {
  return Object.entries(functions).flatMap(([name, { fn }]) => {
    const invocations = fn.metricInvocations({ period: PERIOD, statistic: 'Sum' });
    const errors = fn.metricErrors({ period: PERIOD, statistic: 'Sum' });
    const throttles = fn.metricThrottles({ period: PERIOD, statistic: 'Sum' });
    const id = pascalCase(name);
    return [
      rapportAlarm(scope, `${id}ErrorsAlarm`, {
        runbook: 'lambda-errors',
        subject: name,
        description: `${name} failed in ${percent(settings.lambdaErrorRate)} or more of its invocations in 5 minutes: read its log group for the errors`,
        metric: new MathExpression({
          expression: 'IF(FILL(errors, 0) >= 1, FILL(errors, 0) / invocations, 0)',
          usingMetrics: { errors, invocations },
          period: PERIOD,
          label: `${name} error rate`,
        }),
        threshold: settings.lambdaErrorRate,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      rapportAlarm(scope, `${id}ThrottlesAlarm`, {
        runbook: 'lambda-throttles',
        subject: name,
        description: `${name} was refused for concurrency in ${percent(settings.lambdaThrottleRate)} or more of its invocations for 15 minutes: look at the account's concurrent executions and the function's reservation`,
        metric: new MathExpression({
          expression:
            'IF(FILL(throttles, 0) >= 1, FILL(throttles, 0) / (FILL(invocations, 0) + FILL(throttles, 0)), 0)',
          usingMetrics: { throttles, invocations },
          period: PERIOD,
          label: `${name} throttle rate`,
        }),
        threshold: settings.lambdaThrottleRate,
        evaluationPeriods: SUSTAINED,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
  });
}

/** Failed, timed-out and throttled executions of each journey's state machine. */
export function journeyAlarms(
  scope: Construct,
  journeys: Record<string, JourneyStateMachine>,
  settings: AlarmSettings,
): Alarm[] {
  return Object.entries(journeys).flatMap(([journeyId, { stateMachine }]) => {
    const id = pascalCase(journeyId);
    const options = { period: PERIOD, statistic: 'Sum' };
    return [
      rapportAlarm(scope, `${id}ExecutionsFailedAlarm`, {
        runbook: 'journey-failed',
        subject: journeyId,
        description: `Executions of journey ${journeyId} failed (a journey records a failed step and goes on, so a failed execution is a bug or a broken deploy): open the failed executions in the Step Functions console`,
        metric: stateMachine.metricFailed(options),
        threshold: settings.journeyFailed,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      rapportAlarm(scope, `${id}ExecutionsTimedOutAlarm`, {
        runbook: 'journey-timed-out',
        subject: journeyId,
        description: `Executions of journey ${journeyId} timed out: open them in the Step Functions console and see which state was running`,
        metric: stateMachine.metricTimedOut(options),
        threshold: settings.journeyTimedOut,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      rapportAlarm(scope, `${id}ExecutionThrottledAlarm`, {
        runbook: 'journey-throttled',
        subject: journeyId,
        description: `State transitions of journey ${journeyId} were throttled (the account's state transition quota): they are retried, but journeys slow down`,
        metric: stateMachine.metricThrottled(options),
        threshold: settings.journeyThrottled,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
  });
}

/**
 * Throttles of the table and of the due index, and system errors. ReadThrottleEvents and
 * WriteThrottleEvents are what DynamoDB publishes per table (dimension TableName) and per index (TableName
 * and GlobalSecondaryIndexName); ThrottledRequests and SystemErrors exist only per operation (TableName and
 * Operation), so system errors are summed over the operations the functions make (table-access.ts) and
 * cover the index's queries too.
 */
export function tableAlarms(scope: Construct, table: ITable, settings: AlarmSettings): Alarm[] {
  const dims = (index?: string) => ({
    TableName: table.tableName,
    ...(index === undefined ? {} : { GlobalSecondaryIndexName: index }),
  });
  const throttles = (index?: string) =>
    new MathExpression({
      expression: 'FILL(reads, 0) + FILL(writes, 0)',
      usingMetrics: Object.fromEntries(
        (['reads', 'writes'] as const).map((k) => [
          k,
          new Metric({
            namespace: 'AWS/DynamoDB',
            metricName: k === 'reads' ? 'ReadThrottleEvents' : 'WriteThrottleEvents',
            dimensionsMap: dims(index),
            statistic: 'Sum',
            period: PERIOD,
          }),
        ]),
      ),
      period: PERIOD,
      label: `${index ?? 'table'} throttle events`,
    });
  const made = new Set<string>(Object.values(TABLE_ACTIONS).flat());
  const operations = Object.values(Operation).filter((op) => made.has(op));
  return [
    rapportAlarm(scope, 'TableThrottlesAlarm', {
      runbook: 'table-throttles',
      description: `The table throttled ${settings.tableThrottleEvents} or more reads and writes in 5 minutes (a hot partition, or the table's maximum throughput): the SDK retries, then the work is retried from its queue`,
      metric: throttles(),
      threshold: settings.tableThrottleEvents,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    rapportAlarm(scope, 'DueIndexThrottlesAlarm', {
      runbook: 'due-index-throttles',
      description: `The due index throttled ${settings.tableThrottleEvents} or more reads and writes in 5 minutes: an index that cannot keep up throttles the table's writes too`,
      metric: throttles(DUE_INDEX.name),
      threshold: settings.tableThrottleEvents,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    rapportAlarm(scope, 'TableSystemErrorsAlarm', {
      runbook: 'table-system-errors',
      description: `DynamoDB answered ${settings.tableSystemErrors} or more requests with a system error (HTTP 500) in 5 minutes: check the AWS Health Dashboard`,
      metric: table.metricSystemErrorsForOperations({ operations, period: PERIOD }),
      threshold: settings.tableSystemErrors,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ];
}

/** The HTTP API's 5xx rate (judged once it had enough requests) and its p99 latency. */
export function apiAlarms(scope: Construct, httpApi: HttpApi, settings: AlarmSettings): Alarm[] {
  const requests = httpApi.metricCount({ period: PERIOD, statistic: 'Sum' });
  const serverErrors = httpApi.metricServerError({ period: PERIOD, statistic: 'Sum' });
  return [
    rapportAlarm(scope, 'ApiServerErrorRateAlarm', {
      runbook: 'api-5xx-rate',
      description: `${percent(settings.apiServerErrorRate)} or more of the HTTP API's requests got a 5xx in 5 minutes: read the access log and the logs of accept-event, ingest-event, unsubscribe and feedback`,
      metric: new MathExpression({
        expression: `IF(requests >= ${settings.apiMinRequests}, FILL(serverErrors, 0) / requests, 0)`,
        usingMetrics: { requests, serverErrors },
        period: PERIOD,
        label: '5xx rate',
      }),
      threshold: settings.apiServerErrorRate,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
    rapportAlarm(scope, 'ApiLatencyP99Alarm', {
      runbook: 'api-latency-p99',
      description: `The HTTP API's p99 latency was ${settings.apiLatencyP99Ms} ms or more for 15 minutes: look at the functions' durations and DynamoDB and SQS latencies`,
      metric: httpApi.metricLatency({ period: PERIOD, statistic: 'p99' }),
      threshold: settings.apiLatencyP99Ms,
      evaluationPeriods: SUSTAINED,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }),
  ];
}
