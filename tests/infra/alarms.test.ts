import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CfnAlarm, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { percent, RUNBOOK, rapportAlarm, runbookKeyOf } from '../../infra/alarm';
import { checkAlarmEmails, checkAlarmSettings, DEFAULT_ALARM_SETTINGS } from '../../infra/alarm-settings';
import { AlarmActions, AlarmTopic } from '../../infra/alarm-topic';
import { InvalidSettingError } from '../../infra/names';
import { alarms, build, EMAILS, type Props, ref, template, topicId } from './alarmed-app';
import { cfnText, fastApp, REPO_ROOT, resourcesOf } from './support';

// The alarm topic, what every alarm carries, the alarm settings and the README runbook (alarmed-app.ts).

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
