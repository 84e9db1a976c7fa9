import { FUNCTIONS } from '../../functions/routes';
import { TABLE_ACTIONS } from '../../infra/table-access';
import {
  alarmNamed,
  apiRef,
  fnRef,
  mathOf,
  ref,
  settings,
  tableRef,
  template,
  workflows,
} from './alarmed-app';
import { logicalIdOf } from './support';

// Each alarm on an AWS metric, at its threshold, in the app of tests/infra/alarmed-app.ts.

describe('alarms on AWS metrics, at their thresholds', () => {
  it('Lambda: error rate and sustained throttle rate of every function', () => {
    for (const name of FUNCTIONS) {
      const errors = alarmNamed(`Rapport-lambda-errors-${name}`);
      expect(mathOf(errors)).toEqual({
        expression: 'IF(FILL(errors, 0) >= 1, FILL(errors, 0) / invocations, 0)',
        metrics: { errors: 'AWS/Lambda Errors Sum', invocations: 'AWS/Lambda Invocations Sum' },
        dims: [
          [{ Name: 'FunctionName', Value: fnRef(name) }],
          [{ Name: 'FunctionName', Value: fnRef(name) }],
        ],
      });
      expect(errors).toMatchObject({
        Threshold: settings.lambdaErrorRate,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      const throttles = alarmNamed(`Rapport-lambda-throttles-${name}`);
      expect(mathOf(throttles).metrics).toEqual({
        throttles: 'AWS/Lambda Throttles Sum',
        invocations: 'AWS/Lambda Invocations Sum',
      });
      expect(mathOf(throttles).expression).toMatch(
        /throttles.*\/ \(FILL\(invocations, 0\) \+ FILL\(throttles, 0\)\)/,
      );
      expect(throttles).toMatchObject({ Threshold: settings.lambdaThrottleRate, EvaluationPeriods: 3 });
    }
  });

  it('Step Functions: failed, timed-out and throttled executions of every journey', () => {
    const metrics = {
      failed: 'ExecutionsFailed',
      'timed-out': 'ExecutionsTimedOut',
      throttled: 'ExecutionThrottled',
    };
    for (const { journey } of workflows.journeys) {
      const machine = ref(
        logicalIdOf(template, 'AWS::StepFunctions::StateMachine', {
          StateMachineName: `rapport-${journey.id}`,
        }),
      );
      for (const [kind, metricName] of Object.entries(metrics))
        expect(alarmNamed(`Rapport-journey-${kind}-${journey.id}`)).toMatchObject({
          Namespace: 'AWS/States',
          MetricName: metricName,
          Dimensions: [{ Name: 'StateMachineArn', Value: machine }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
    }
  });

  it('DynamoDB: read and write throttle events of the table and of the due index, system errors per operation', () => {
    const table = [{ Name: 'TableName', Value: tableRef }];
    const index = [{ Name: 'GlobalSecondaryIndexName', Value: 'due' }, ...table];
    for (const [name, dims] of [
      ['Rapport-table-throttles', table],
      ['Rapport-due-index-throttles', index],
    ] as const) {
      const alarm = alarmNamed(name);
      expect(mathOf(alarm)).toEqual({
        expression: 'FILL(reads, 0) + FILL(writes, 0)',
        metrics: {
          reads: 'AWS/DynamoDB ReadThrottleEvents Sum',
          writes: 'AWS/DynamoDB WriteThrottleEvents Sum',
        },
        dims: [dims, dims],
      });
      expect(alarm).toMatchObject({
        Threshold: settings.tableThrottleEvents,
        TreatMissingData: 'notBreaching',
      });
    }
    const systemErrors = mathOf(alarmNamed('Rapport-table-system-errors'));
    const operations = [...new Set(Object.values(TABLE_ACTIONS).flat())].sort();
    expect(Object.values(systemErrors.metrics)).toEqual(
      operations.map(() => 'AWS/DynamoDB SystemErrors Sum'),
    );
    expect(systemErrors.dims.map((d) => (d as { Value: unknown }[])[0]!.Value).sort()).toEqual(operations);
    expect(alarmNamed('Rapport-table-system-errors').Threshold).toBe(settings.tableSystemErrors);
  });

  it('HTTP API: 5xx rate once it had enough requests, and sustained p99 latency (as set by context)', () => {
    const rate = alarmNamed('Rapport-api-5xx-rate');
    expect(mathOf(rate)).toEqual({
      expression: `IF(requests >= ${settings.apiMinRequests}, FILL(serverErrors, 0) / requests, 0)`,
      metrics: { requests: 'AWS/ApiGateway Count Sum', serverErrors: 'AWS/ApiGateway 5xx Sum' },
      dims: [[{ Name: 'ApiId', Value: apiRef }], [{ Name: 'ApiId', Value: apiRef }]],
    });
    expect(rate.Threshold).toBe(settings.apiServerErrorRate);
    expect(alarmNamed('Rapport-api-latency-p99')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      Dimensions: [{ Name: 'ApiId', Value: apiRef }],
      ExtendedStatistic: 'p99',
      Threshold: 1500,
      EvaluationPeriods: 3,
    });
  });

  it('dead-letter queues: depth, age of the oldest message, and new arrivals, for each', () => {
    const keys = ['ingest', 'bus', 'starts', 'sweep', 'sweep-schedule', 'feedback'];
    for (const key of keys) {
      const depth = alarmNamed(`Rapport-dead-letters-${key}`);
      expect(depth).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
      const queue = depth.Dimensions;
      expect(alarmNamed(`Rapport-dead-letters-age-${key}`)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: queue,
        Statistic: 'Maximum',
        Threshold: settings.deadLetterAgeHours * 3600,
        TreatMissingData: 'notBreaching',
      });
      const arrived = alarmNamed(`Rapport-dead-letters-arrived-${key}`);
      expect(mathOf(arrived)).toEqual({
        expression: 'DIFF(FILL(depth, REPEAT))',
        metrics: { depth: 'AWS/SQS ApproximateNumberOfMessagesVisible Maximum' },
        dims: [queue],
      });
      expect(arrived).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it("SES: the account's bounce rate at 2% and 4%, complaint rate at 0.05% and 0.08%", () => {
    const expected = {
      'bounce-rate-warning': ['Reputation.BounceRate', 0.02],
      'bounce-rate-critical': ['Reputation.BounceRate', 0.04],
      'complaint-rate-warning': ['Reputation.ComplaintRate', 0.0005],
      'complaint-rate-critical': ['Reputation.ComplaintRate', 0.0008],
    } as const;
    for (const [kind, [metricName, threshold]] of Object.entries(expected)) {
      const alarm = alarmNamed(`Rapport-ses-${kind}`);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SES',
        MetricName: metricName,
        Statistic: 'Maximum',
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
      });
      expect(alarm.Dimensions).toBeUndefined();
    }
  });

  it('SMS: monthly spend against the limit of context alarms, and the undelivered share of parts sent', () => {
    expect(alarmNamed('Rapport-sms-spend')).toMatchObject({
      Namespace: 'AWS/SMSVoice',
      MetricName: 'TextMessageMonthlySpend',
      Statistic: 'Maximum',
      Threshold: 40,
      TreatMissingData: 'ignore',
    });
    const failures = alarmNamed('Rapport-sms-delivery-failures');
    expect(mathOf(failures)).toEqual({
      expression: `IF(sent >= ${settings.smsMinParts}, 1 - FILL(delivered, 0) / sent, 0)`,
      metrics: {
        sent: 'AWS/SMSVoice NumberOfTextMessagePartsSent Sum',
        delivered: 'AWS/SMSVoice NumberOfTextMessagePartsDelivered Sum',
      },
      dims: [[], []],
    });
    expect(failures.Threshold).toBe(settings.smsDeliveryFailureRate);
  });

  it('the alarms that already were: failed and in-doubt messages, parked, occasions missed, open executions', () => {
    for (const [name, metricName] of [
      ['Rapport-messages-failed', 'MessagesFailed'],
      ['Rapport-messages-in-doubt', 'MessagesInDoubt'],
      ['Rapport-sweep-parked', 'SweepItemsParked'],
      ['Rapport-occasions-missed', 'OccasionsMissed'],
      ['Rapport-open-executions', 'JourneysStarted'],
    ])
      expect(alarmNamed(name!)).toMatchObject({ Namespace: 'Rapport', MetricName: metricName });
  });
});
