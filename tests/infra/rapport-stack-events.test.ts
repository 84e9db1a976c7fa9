import { Match } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '../../functions/routes';
import { METRIC } from '../../functions/shared/observability';
import { TASK_EVENT_PATTERN } from '../../infra/rapport-stack';
import {
  actionsOf,
  deadLetterQueues,
  envOf,
  expectSafeQueue,
  fnId,
  fnProps,
  fnStatements,
  namedQueue,
  queueOf,
  shipped,
  stateMachineId,
  statementsOf,
  template,
} from './shipped-template';
import { cfnText, logicalIdOf, resourcesOf } from './support';

// EventBridge, the sweep, SES, dashboard, outputs and feedback of the shipped stack (shipped-template.ts).

describe('EventBridge', () => {
  const rule = Object.values(resourcesOf(template, 'AWS::Events::Rule')).find(
    (r) => r.Properties.EventBusName,
  )!.Properties;
  const queueId = queueOf(
    (rule.Targets as { DeadLetterConfig: { Arn: unknown } }[])[0]!.DeadLetterConfig.Arn,
  );

  it('has a rapport bus whose rule sends every rapport.events event to the ingest queue, with retries and a DLQ', () => {
    const busId = logicalIdOf(template, 'AWS::Events::EventBus', { Name: 'rapport' });
    // The other rule is on the default bus: the journeys' execution ends (tests/infra/queues.test.ts).
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      EventPattern: Match.exact({ source: ['rapport.events'] }),
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [namedQueue('rapport-ingest'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue() },
        },
      ],
    });
  });

  it('dead-letters to an encrypted queue that refuses requests without TLS; ingest-event is no longer invoked asynchronously', () => {
    expectSafeQueue(queueId);
    expect(fnProps('ingest-event').DeadLetterConfig).toBeUndefined();
  });
});

describe('sweep schedule', () => {
  const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule');
  const schedule = Object.values(schedules)[0]!.Properties;
  const target = schedule.Target as {
    Arn: unknown;
    RoleArn: { 'Fn::GetAtt': string[] };
    DeadLetterConfig: { Arn: unknown };
    RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
  };
  const sweepArn = { 'Fn::GetAtt': [fnId('sweep'), 'Arn'] };

  it('invokes the sweep function every 60 minutes by default, exactly on the rate', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    expect(schedule).toMatchObject({
      Name: 'rapport-sweep',
      ScheduleExpression: 'rate(60 minutes)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(target.Arn).toEqual(sweepArn);
  });

  it('retries a failed delivery until the next sweep is due, then dead-letters it to a safe queue', () => {
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBe(60 * 60);
    const queueId = queueOf(target.DeadLetterConfig.Arn);
    expectSafeQueue(queueId);
    // Failed sweeps land there too (Lambda does not retry them: the next sweep redoes the work).
    expect(fnProps('sweep').DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
  });

  it('runs as a role Scheduler alone may assume, allowed to invoke only the sweep and to dead-letter', () => {
    const roleId = target.RoleArn['Fn::GetAtt'][0]!;
    const role = resourcesOf(template, 'AWS::IAM::Role')[roleId]!.Properties;
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(statementsOf({ Ref: roleId }).map((s) => ({ Action: s.Action, Resource: s.Resource }))).toEqual([
      // The unqualified ARN: no version or alias (`:*`).
      { Action: 'lambda:InvokeFunction', Resource: sweepArn },
      { Action: 'sqs:SendMessage', Resource: target.DeadLetterConfig.Arn },
    ]);
  });

  it('is the only way the sweep is invoked, and Lambda adds no retries of its own', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId('sweep') },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60 * 60,
    });
    const mentionsSweep = (value: unknown) => JSON.stringify(value).includes(`"${fnId('sweep')}"`);
    for (const type of ['AWS::Lambda::Permission', 'AWS::Events::Rule', 'AWS::ApiGatewayV2::Integration'])
      expect(Object.values(resourcesOf(template, type)).filter((r) => mentionsSweep(r.Properties))).toEqual(
        [],
      );
    expect(fnProps('sweep').Timeout).toBe(300);
  });
});

describe('SES, secret, dashboard, outputs', () => {
  it('has the rapport configuration sets: untracked, and tracked (opens and clicks)', () => {
    template.resourceCountIs('AWS::SES::ConfigurationSet', 2);
    template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'rapport' });
    template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'rapport-tracked' });
  });

  it('has a generated, retained link-signing secret', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { GenerateSecretString: Match.objectLike({ PasswordLength: Match.anyValue() }) },
    });
  });

  it('has the Rapport dashboard: journeys, every custom metric, Lambda errors and throttles', () => {
    const dashboards = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]!.Properties.DashboardName).toBe('Rapport');
    const body = JSON.parse(cfnText(dashboards[0]!.Properties.DashboardBody)) as {
      widgets: { properties: { metrics?: unknown[][] } }[];
    };
    const metrics = body.widgets.flatMap((w) => w.properties.metrics ?? []);
    const has = (...m: unknown[]) => metrics.some((x) => m.every((v, i) => x[i] === v));

    // Every metric the handlers publish (functions/shared/observability.ts), decisions and profile updates too.
    expect(Object.values(METRIC)).toEqual(expect.arrayContaining(['JourneyDecisions', 'ProfileUpdates']));
    for (const name of Object.values(METRIC))
      expect({ name, charted: has('Rapport', name, 'service', 'rapport') }).toEqual({ name, charted: true });
    for (const { journey } of shipped.journeys) {
      for (const m of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed'])
        expect(has('AWS/States', m, 'StateMachineArn', `{Ref:${stateMachineId(journey.id)}}`)).toBe(true);
    }
    for (const name of FUNCTIONS) {
      for (const m of ['Errors', 'Throttles'])
        expect(has('AWS/Lambda', m, 'FunctionName', `{Ref:${fnId(name)}}`)).toBe(true);
    }
    expect(has('AWS/Lambda', 'Duration', 'FunctionName', `{Ref:${fnId('sweep')}}`)).toBe(true);
    for (const dlq of deadLetterQueues()) {
      expect(
        has('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', `{GetAtt:${dlq}.QueueName}`),
      ).toBe(true);
    }
  });

  it('alarms while any dead-letter queue holds a message (events, sweeps, bounces and STOP replies), shown on the dashboard', () => {
    const queues = deadLetterQueues();
    expect(new Set(queues).size).toBe(6);
    const alarms = Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    for (const queue of queues) {
      const alarm = alarms.find(
        ([, a]) =>
          JSON.stringify(a.Properties.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }]),
      );
      expect(alarm?.[1].Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    const body = JSON.parse(
      cfnText(
        Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody,
      ),
    ) as { widgets: { type: string; properties: { title?: string; alarms?: unknown[] } }[] };
    // Its own status widget (the top row shows every alarm of the stack).
    const status = body.widgets.find((w) => w.properties.title === 'Dead letters');
    expect(status?.properties.alarms).toHaveLength(6);
  });

  it('alarms when the sweep parks a customer it cannot process, shown on the dashboard', () => {
    const alarms = Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const parked = alarms.find(([, a]) => a.Properties.MetricName === 'SweepItemsParked');
    expect(parked?.[1].Properties).toMatchObject({
      Namespace: 'Rapport',
      Dimensions: [{ Name: 'service', Value: 'rapport' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const body = cfnText(
      Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody,
    );
    expect(body).toContain(`{GetAtt:${parked![0]}.Arn}`);
  });

  it('outputs the events API URL, the table, the bus, the task event pattern, the sweep schedule and every journey state machine', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(cfnText(outputs.EventsApiUrl?.Value)).toMatch(
      /^https:\/\/\{Ref:HttpApi\w+\}\.execute-api\..*\/events$/,
    );
    expect(outputs.TableName?.Value).toEqual({ Ref: logicalIdOf(template, 'AWS::DynamoDB::Table', {}) });
    expect(outputs.EventBusName?.Value).toEqual({ Ref: logicalIdOf(template, 'AWS::Events::EventBus', {}) });
    // What a rule routing task steps' requests to a CRM or ticketing system matches.
    expect(JSON.parse(outputs.TaskEventPattern?.Value as string)).toEqual({
      source: ['rapport.journeys'],
      'detail-type': ['Rapport Task'],
    });
    expect(TASK_EVENT_PATTERN).toEqual({ source: ['rapport.journeys'], 'detail-type': ['Rapport Task'] });
    expect(outputs.SweepScheduleName?.Value).toEqual({
      Ref: logicalIdOf(template, 'AWS::Scheduler::Schedule', { Name: 'rapport-sweep' }),
    });
    const arns = Object.entries(outputs).filter(([k]) => k.startsWith('StateMachineArn'));
    expect(arns.map(([, o]) => JSON.stringify(o.Value)).sort()).toEqual(
      shipped.journeys.map((j) => JSON.stringify({ Ref: stateMachineId(j.journey.id) })).sort(),
    );
  });
});

describe('feedback: SES bounces, complaints and engagement, SMS opt-outs and deliveries', () => {
  const topics = resourcesOf(template, 'AWS::SNS::Topic');
  const topicId = (displayName: string) =>
    logicalIdOf(template, 'AWS::SNS::Topic', { DisplayName: displayName });
  const emailTopic = topicId('Rapport: SES bounces, complaints, deliveries, opens and clicks');
  const smsTopic = topicId('Rapport: inbound SMS (STOP and other replies)');
  const smsDeliveries = topicId('Rapport: SMS delivery events');

  it('has three topics encrypted with a rotated customer key, refusing requests without TLS', () => {
    // The three feedback topics, and the alarm topic (tests/infra/alarms.test.ts): each as below.
    expect(Object.keys(topics)).toEqual(expect.arrayContaining([emailTopic, smsTopic, smsDeliveries]));
    expect(Object.keys(topics)).toHaveLength(4);
    for (const topic of Object.values(topics))
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourcePropertiesCountIs(
      'AWS::SNS::TopicPolicy',
      {
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        }),
      },
      Object.keys(topics).length,
    );
  });

  it('the configuration sets publish bounces, complaints, deliveries (and opens, clicks) to the email feedback topic', () => {
    for (const [name, events] of [
      ['rapport', ['bounce', 'complaint', 'delivery']],
      ['rapport-tracked', ['bounce', 'complaint', 'delivery', 'open', 'click']],
    ] as const)
      template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        ConfigurationSetName: { Ref: logicalIdOf(template, 'AWS::SES::ConfigurationSet', { Name: name }) },
        EventDestination: {
          Enabled: true,
          MatchingEventTypes: events,
          SnsDestination: { TopicARN: { Ref: emailTopic } },
        },
      });
  });

  it('has the End User Messaging SMS configuration set and opt-out list send-message uses', () => {
    template.hasResourceProperties('AWS::SMSVOICE::ConfigurationSet', { ConfigurationSetName: 'rapport' });
    template.hasResourceProperties('AWS::SMSVOICE::OptOutList', { OptOutListName: 'rapport' });
    expect(envOf('send-message')).toMatchObject({ SMS_CONFIGURATION_SET: 'rapport' });
    const sms = fnStatements('send-message').filter((s) =>
      [s.Action].flat().includes('sms-voice:SendTextMessage'),
    );
    expect(sms).toHaveLength(1);
    expect(JSON.stringify(sms[0]!.Resource)).toContain(':configuration-set/rapport');
  });

  it('delivery-events is subscribed to the three topics, with a dead-letter queue, may stop marketing journeys only, and resume waits', () => {
    const fn = fnId('delivery-events');
    for (const topic of [emailTopic, smsTopic, smsDeliveries])
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: { Ref: topic },
        Endpoint: { 'Fn::GetAtt': [fn, 'Arn'] },
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
      });
    expect(fnProps('delivery-events').DeadLetterConfig).toBeDefined();
    const statements = fnStatements('delivery-events');
    expect(actionsOf(statements)).not.toContain('states:StartExecution');
    const stoppable = statements
      .filter((s) => [s.Action].flat().includes('states:StopExecution'))
      .map((s) => JSON.stringify(s.Resource));
    expect(stoppable.length).toBeGreaterThan(0);
    expect(stoppable.some((r) => r.includes('rapport-dormancy-reactivation'))).toBe(true);
    // An open or a click resumes the journeys waiting for it (wait-for-event: email-clicked).
    expect(actionsOf(statements)).toContain('states:SendTaskSuccess');
  });

  it('the SMS configuration set sends delivery events to the SMS deliveries topic', () => {
    template.hasResourceProperties('AWS::SMSVOICE::ConfigurationSet', {
      EventDestinations: Match.arrayWith([
        Match.objectLike({ SnsDestination: { TopicArn: { Ref: smsDeliveries } } }),
      ]),
    });
  });

  it('outputs the inbound SMS topic and the opt-out list for the phone number', () => {
    template.hasOutput('InboundSmsTopicArn', { Value: { Ref: smsTopic } });
    template.hasOutput('SmsOptOutListName', { Value: 'rapport' });
  });
});
