import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CfnAlarm, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { FUNCTIONS } from '../../functions/routes';
import { percent, RUNBOOK, rapportAlarm, runbookKeyOf } from '../../infra/alarm';
import { checkAlarmEmails, checkAlarmSettings, DEFAULT_ALARM_SETTINGS } from '../../infra/alarm-settings';
import { AlarmActions, AlarmTopic } from '../../infra/alarm-topic';
import { buildApp } from '../../infra/build-app';
import { InvalidSettingError } from '../../infra/names';
import { TABLE_ACTIONS } from '../../infra/table-access';
import { cfnText, FAST_SYNTH, fastApp, logicalIdOf, REPO_ROOT, resourcesOf } from './support';

// One synth for the file, through the app (context as `cdk synth -c ...` gives it), one threshold changed.
const EMAILS = ['oncall@example.org', 'ops@example.org'];
const build = (context: Record<string, unknown>) =>
  buildApp({ nag: false, appProps: { ...FAST_SYNTH, context: { ...FAST_SYNTH.context, ...context } } });
const { stack, workflows } = build({
  alarmEmails: EMAILS.join(','),
  alarms: '{"apiLatencyP99Ms":1500,"smsSpendLimitUsd":50}',
});
const template = Template.fromStack(stack);
const settings = { ...DEFAULT_ALARM_SETTINGS, apiLatencyP99Ms: 1500, smsSpendLimitUsd: 50 };

type Props = Record<string, unknown>;
const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
const alarmNamed = (name: string): Props => {
  const found = alarms.filter((a) => a.AlarmName === name);
  if (found.length !== 1) throw new Error(`expected one alarm ${name}; found ${found.length}`);
  return found[0]!;
};
const topicId = logicalIdOf(template, 'AWS::SNS::Topic', { DisplayName: 'Rapport alarms' });
const ref = (id: string) => ({ Ref: id });
const fnRef = (name: string) =>
  ref(logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Rapport ${name}` }));
const tableRef = ref(logicalIdOf(template, 'AWS::DynamoDB::Table', {}));
const apiRef = ref(logicalIdOf(template, 'AWS::ApiGatewayV2::Api', {}));

interface Query {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: unknown[] }; Stat: string };
}
/** A math alarm's expression and its metrics, by id, as `Namespace MetricName Stat`. */
function mathOf(alarm: Props): { expression: string; metrics: Record<string, string>; dims: unknown[][] } {
  const queries = alarm.Metrics as Query[];
  const expression = queries.find((q) => q.Expression)?.Expression ?? '';
  const stats = queries.filter((q) => q.MetricStat);
  return {
    expression,
    metrics: Object.fromEntries(
      stats.map((q) => {
        const m = q.MetricStat!;
        return [q.Id, `${m.Metric.Namespace} ${m.Metric.MetricName} ${m.Stat}`];
      }),
    ),
    dims: stats.map((q) => q.MetricStat!.Metric.Dimensions ?? []),
  };
}

describe('alarm topic', () => {
  const topic = resourcesOf(template, 'AWS::SNS::Topic')[topicId]!.Properties;
  const keyId = (topic.KmsMasterKeyId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;

  it('is encrypted with a rotated customer key whose policy lets CloudWatch publish with it', () => {
    const key = resourcesOf(template, 'AWS::KMS::Key')[keyId]!.Properties;
    expect(key.EnableKeyRotation).toBe(true);
    const statements = (key.KeyPolicy as { Statement: Props[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
      }),
    );
  });

  it("refuses requests without TLS and lets CloudWatch publish for this stack's alarms only", () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topicId)],
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      }),
    });
    const policy = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy')).find(
      (p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([ref(topicId)]),
    )!;
    const allow = (policy.Properties.PolicyDocument as { Statement: Props[] }).Statement.find(
      (s) => s.Effect === 'Allow',
    ) as { Condition: { ArnLike: Record<string, unknown> } };
    expect(cfnText(allow.Condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:{AWS::Partition}:cloudwatch:{AWS::Region}:{AWS::AccountId}:alarm:Rapport-*',
    );
  });

  it('is subscribed by every address of context alarmEmails, and is an output', () => {
    const subscriptions = Object.values(resourcesOf(template, 'AWS::SNS::Subscription'))
      .map((s) => s.Properties)
      .filter((s) => s.Protocol === 'email');
    expect(subscriptions.map((s) => s.Endpoint).sort()).toEqual(EMAILS);
    for (const s of subscriptions) expect(s.TopicArn).toEqual(ref(topicId));
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.AlarmTopicArn?.Value).toEqual(ref(topicId));
  });
});

describe('every alarm', () => {
  it('has the alarm topic as alarm action and as OK action', () => {
    expect(alarms.length).toBeGreaterThan(60);
    for (const a of alarms)
      expect({ name: a.AlarmName, alarm: a.AlarmActions, ok: a.OKActions }).toEqual({
        name: a.AlarmName,
        alarm: [ref(topicId)],
        ok: [ref(topicId)],
      });
  });

  it('has a unique name after the stack, and a runbook key its name starts with', () => {
    const names = alarms.map((a) => a.AlarmName as string);
    expect(new Set(names).size).toBe(names.length);
    for (const a of alarms) {
      const key = runbookKeyOf(a.AlarmDescription as string);
      expect({ name: a.AlarmName, key }).toEqual({ name: a.AlarmName, key: expect.any(String) });
      expect(a.AlarmName).toMatch(new RegExp(`^Rapport-${key!}(-|$)`));
    }
  });

  it('gets its actions in one place: an alarm added later, L2 or bare L1, gets them too', () => {
    const small = new Stack(fastApp(), 'Small');
    const topic = new AlarmTopic(small, 'Topic', { emails: [] });
    rapportAlarm(small, 'Later', {
      runbook: 'lambda-errors',
      description: 'added later',
      metric: new Metric({ namespace: 'N', metricName: 'M' }),
      threshold: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new CfnAlarm(small, 'Bare', {
      alarmName: 'Small-lambda-errors-bare',
      alarmDescription: 'a bare one (runbook: lambda-errors)',
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      metricName: 'M',
      namespace: 'N',
      period: 60,
      statistic: 'Sum',
      threshold: 0,
    });
    new CfnAlarm(small, 'NoRunbook', {
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      metricName: 'M',
      namespace: 'N',
      period: 60,
      statistic: 'Sum',
      threshold: 0,
    });
    Aspects.of(small).add(new AlarmActions(topic.topic));
    const t = Template.fromStack(small);
    const topicRef = ref(small.getLogicalId(topic.topic.node.defaultChild as never));
    const found = Object.values(resourcesOf(t, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(found).toHaveLength(3);
    for (const a of found) {
      expect(a.AlarmActions).toEqual([topicRef]);
      expect(a.OKActions).toEqual([topicRef]);
    }
    const errors = Annotations.fromStack(small).findError('*', Match.anyValue());
    expect(errors.map((e) => [e.id, String(e.entry.data)])).toEqual([
      ['/Small/NoRunbook', expect.stringContaining('(runbook: <key>)')],
      ['/Small/NoRunbook', expect.stringContaining('named Small-')],
    ]);
    Annotations.fromStack(small).hasWarning('/Small/Topic', Match.stringLikeRegexp('alarmEmails'));
  });
});

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

describe('settings (context alarms and alarmEmails)', () => {
  it('refuse a malformed address, naming the setting, the value and what is expected', () => {
    expect(checkAlarmEmails(undefined)).toEqual([]);
    expect(checkAlarmEmails(['a@example.org', 'a@example.org'])).toEqual(['a@example.org']);
    for (const bad of ['oncall', 'a@example.org,', 'a@example.org;b@example.org', ['a@b.org', 7]])
      expect(() => checkAlarmEmails(bad)).toThrow(InvalidSettingError);
    expect(() => checkAlarmEmails('oncall@example.org,ops')).toThrow(
      /context alarmEmails: got "oncall@example.org,ops" \("ops" is not an email address\); expected email addresses/,
    );
  });

  it('refuse a wrong threshold or an unknown field, naming the setting, the value and what is expected', () => {
    expect(() => checkAlarmSettings({ lambdaErrorRate: 5 })).toThrow(
      /context alarms\.lambdaErrorRate: got 5; expected a fraction of invocations, e\.g\. 0\.05, at most 1/,
    );
    expect(() => checkAlarmSettings('{"apiLatencyP99Ms":"fast"}')).toThrow(
      /context alarms\.apiLatencyP99Ms: got "fast"; expected milliseconds/,
    );
    expect(() => checkAlarmSettings({ lambdaErrors: 1 })).toThrow(
      /context alarms: got the unknown field "lambdaErrors"/,
    );
    expect(() => checkAlarmSettings({ sesBounceRateWarning: 0.05 })).toThrow(
      /context alarms\.sesBounceRateWarning: got 0\.05; expected less than alarms\.sesBounceRateCritical \(0\.04\)/,
    );
    expect(checkAlarmSettings(undefined)).toEqual(DEFAULT_ALARM_SETTINGS);
  });

  it('read in alarm descriptions as percentages without float noise', () => {
    expect([0.07, 0.0005, 0.0008, 0.1].map(percent)).toEqual(['7%', '0.05%', '0.08%', '10%']);
  });

  it('are checked when the app is built, before any stack', () => {
    expect(() => build({ alarmEmails: 'not-an-address' })).toThrow(
      /context alarmEmails: got "not-an-address"/,
    );
    expect(() => build({ alarms: { deadLetterAgeHours: 0 } })).toThrow(
      /context alarms\.deadLetterAgeHours: got 0/,
    );
  });
});

describe('README runbook', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const heading = '### Runbook: alarms';
  const start = readme.indexOf(heading);
  // Up to the next heading of its level or above (its entries are #### headings).
  const rest = readme.slice(start + heading.length);
  const section = start < 0 ? '' : heading + rest.slice(0, rest.search(/^#{2,3} /m));
  /** The keys the runbook has an entry for: `#### \`key\`` headings. */
  const entries = new Set([...section.matchAll(/^#### `([a-z0-9-]+)`/gm)].map((m) => m[1]));

  it('has an entry for every alarm in the template', () => {
    expect(section.length).toBeGreaterThan(0);
    const keys = [...new Set(alarms.map((a) => runbookKeyOf(a.AlarmDescription as string)))].sort();
    expect(keys.filter((k) => !entries.has(k))).toEqual([]);
  });

  it('has no entry for an alarm that does not exist, and every key is used', () => {
    const used = new Set(alarms.map((a) => runbookKeyOf(a.AlarmDescription as string)));
    expect([...entries].filter((k) => !used.has(k))).toEqual([]);
    expect(RUNBOOK.filter((k) => !used.has(k))).toEqual([]);
  });

  it('names the quotas to raise before launch and how to redrive', () => {
    for (const text of [
      'production access',
      'spend limit',
      'open executions',
      'concurrency',
      'npx rapport redrive',
    ])
      expect({ text, found: section.includes(text) }).toEqual({ text, found: true });
  });
});
