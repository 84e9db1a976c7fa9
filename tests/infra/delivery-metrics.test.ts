import { Template } from 'aws-cdk-lib/assertions';
import { EventType } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { buildApp } from '../../infra/build-app';
import { SMS_DELIVERED_EVENTS, SMS_FAILED_EVENTS } from '../../infra/delivery-metrics';
import { cfnText, FAST_SYNTH, logicalIdOf, resourcesOf } from './support';

const { stack } = buildApp({ nag: false, appProps: FAST_SYNTH });
const template = Template.fromStack(stack);
type Props = Record<string, unknown>;

describe('SES event destination to CloudWatch', () => {
  const destinations = Object.values(resourcesOf(template, 'AWS::SES::ConfigurationSetEventDestination')).map(
    (d) => d.Properties,
  );
  const metrics = destinations.filter((d) => (d.EventDestination as Props).CloudWatchDestination);

  const untracked = logicalIdOf(template, 'AWS::SES::ConfigurationSet', { Name: 'rapport' });
  const tracked = logicalIdOf(template, 'AWS::SES::ConfigurationSet', { Name: 'rapport-tracked' });
  const on = (set: string) =>
    destinations.filter((d) => JSON.stringify(d.ConfigurationSetName) === JSON.stringify({ Ref: set }));
  const types = (d: Props | undefined) =>
    [...((d?.EventDestination as Props).MatchingEventTypes as string[])].sort();
  const sending = ['bounce', 'complaint', 'delivery', 'deliveryDelay', 'reject', 'renderingFailure', 'send'];

  it('publishes send, delivery, bounce, complaint, reject, rendering failure and delay, on each configuration set; opens and clicks on the tracked one', () => {
    expect(metrics).toHaveLength(2);
    const cw = (set: string) => on(set).find((d) => (d.EventDestination as Props).CloudWatchDestination);
    expect((cw(untracked)!.EventDestination as Props).Enabled).toBe(true);
    expect(types(cw(untracked))).toEqual(sending.sort());
    expect(types(cw(tracked))).toEqual([...sending, 'click', 'open'].sort());
  });

  it('keyed by the `journey` message tag every email carries, and by the configuration set (stages apart)', () => {
    const first = on(untracked).find((d) => (d.EventDestination as Props).CloudWatchDestination)!;
    const cw = ((first.EventDestination as Props).CloudWatchDestination as Props)
      .DimensionConfigurations as Props[];
    expect(cw).toEqual([
      {
        DimensionName: 'ses:configuration-set',
        DimensionValueSource: 'messageTag',
        DefaultDimensionValue: { Ref: untracked },
      },
      { DimensionName: 'journey', DimensionValueSource: 'messageTag', DefaultDimensionValue: 'none' },
    ]);
  });

  it('sends bounces, complaints and deliveries to SNS; the tracked set opens and clicks too', () => {
    const sns = (set: string) => on(set).filter((d) => (d.EventDestination as Props).SnsDestination);
    expect(sns(untracked).map(types)).toEqual([['bounce', 'complaint', 'delivery']]);
    expect(sns(tracked).map(types)).toEqual([['bounce', 'click', 'complaint', 'delivery', 'open']]);
  });
});

describe('SMS event destination', () => {
  const [smsSet] = Object.values(resourcesOf(template, 'AWS::SMSVOICE::ConfigurationSet')).map(
    (r) => r.Properties,
  );
  const destinations = smsSet!.EventDestinations as Props[];
  const destination = destinations.find((d) => d.CloudWatchLogsDestination);
  const logs = destination!.CloudWatchLogsDestination as { IamRoleArn: unknown; LogGroupArn: unknown };
  const logGroupId = /^\{GetAtt:(\w+)\.Arn\}$/.exec(cfnText(logs.LogGroupArn))![1]!;
  const roleId = /^\{GetAtt:(\w+)\.Arn\}$/.exec(cfnText(logs.IamRoleArn))![1]!;

  it('sends final delivery and failure events to a log group, through a role only End User Messaging may take', () => {
    expect(destination).toMatchObject({ Enabled: true });
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(30);
    const trust = (
      resourcesOf(template, 'AWS::IAM::Role')[roleId]!.Properties.AssumeRolePolicyDocument as {
        Statement: Props[];
      }
    ).Statement;
    expect(trust).toEqual([
      expect.objectContaining({
        Principal: { Service: 'sms-voice.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Props[] }).Statement);
    expect(statements).toEqual([
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      }),
    ]);
  });

  it('every final text event type is matched, as a delivery or as a failure (the SDK’s list of event types)', () => {
    const notFinal = ['TEXT_ALL', 'TEXT_SENT', 'TEXT_PENDING', 'TEXT_QUEUED'];
    const finalTypes = Object.values(EventType).filter((t) => t.startsWith('TEXT_') && !notFinal.includes(t));
    expect([...SMS_DELIVERED_EVENTS, ...SMS_FAILED_EVENTS].sort()).toEqual(finalTypes.sort());
    expect([...(destination!.MatchingEventTypes as string[])].sort()).toEqual(finalTypes.sort());
  });

  it('sends deliveries to an SNS topic too (sms-delivered events), one End User Messaging may publish to', () => {
    const sns = destinations.filter((d) => d.SnsDestination);
    expect(sns).toEqual([
      expect.objectContaining({ Enabled: true, MatchingEventTypes: [...SMS_DELIVERED_EVENTS] }),
    ]);
    const topic = /^\{Ref:(\w+)\}$/.exec(cfnText((sns[0]!.SnsDestination as Props).TopicArn))![1]!;
    const policies = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy')).filter((p) =>
      JSON.stringify(p.Properties.Topics).includes(topic),
    );
    expect(JSON.stringify(policies)).toContain('sms-voice.amazonaws.com');
  });

  it('metric filters count deliveries and failures per journey, from the Context each text is sent with', () => {
    const filters = Object.values(resourcesOf(template, 'AWS::Logs::MetricFilter'))
      .map((f) => f.Properties)
      .filter(
        (f) => f.LogGroupName && JSON.stringify(f.LogGroupName) === JSON.stringify({ Ref: logGroupId }),
      );
    const byName = Object.fromEntries(
      filters.map((f) => {
        const [t] = f.MetricTransformations as Props[];
        return [t!.MetricName, { pattern: f.FilterPattern as string, t }];
      }),
    );
    const typesIn = (pattern: string) =>
      [...pattern.matchAll(/\$\.eventType = "(\w+)"/g)].map((m) => m[1]).sort();
    expect(typesIn(byName.SmsDelivered!.pattern)).toEqual([...SMS_DELIVERED_EVENTS].sort());
    expect(typesIn(byName.SmsFailed!.pattern)).toEqual([...SMS_FAILED_EVENTS].sort());
    for (const name of ['SmsDelivered', 'SmsFailed'])
      expect(byName[name]!.t).toEqual({
        MetricName: name,
        MetricNamespace: 'Rapport',
        MetricValue: '1',
        Dimensions: [{ Key: 'journey', Value: '$.context.journey' }],
      });
  });
});
