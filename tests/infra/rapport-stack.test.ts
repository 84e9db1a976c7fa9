import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadWorkflows } from '../../domain/config/load';
import { LAMBDA_ARCHITECTURE, LAMBDA_MEMORY_MB } from '../../domain/lambda-sizing';
import { SUBSTITUTIONS, TASK_EVENT } from '../../domain/journey/compile';
import { SCALE_ENV } from '../../domain/config/scale';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import { FUNCTIONS, HTTP_ROUTES } from '../../functions/routes';
import { METRIC } from '../../functions/shared/observability';
import { TASK_EVENT_PATTERN } from '../../infra/rapport-stack';
import { readRoleActionsText, REGENERATE, roleActionsText, shippedStack } from './role-actions';
import { arnMatches, cfnText, logicalIdOf, resourcesOf, WORKFLOWS_DIR } from './support';

// One synth for the whole file: the shipped workflows, default settings.
const stack = shippedStack();
const template = Template.fromStack(stack);
// What the local runtime executes, loaded independently of what the stack was given.
const shipped = loadWorkflows(WORKFLOWS_DIR);

const fnId = (name: string) =>
  logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Rapport ${name}` });
const fnProps = (name: string) => resourcesOf(template, 'AWS::Lambda::Function')[fnId(name)]!.Properties;
const envOf = (name: string) =>
  (fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
const stateMachineId = (journeyId: string) =>
  logicalIdOf(template, 'AWS::StepFunctions::StateMachine', { StateMachineName: `rapport-${journeyId}` });
/** A journey's state machine as the functions name it: by its ARN built from its fixed name (cfnText). */
const stateMachineArn = (journeyId: string) =>
  `arn:{AWS::Partition}:states:{AWS::Region}:{AWS::AccountId}:stateMachine:rapport-${journeyId}`;
/** Every statement of the inline policies attached to a role (given as `{ Ref: roleLogicalId }`). */
const statementsOf = (roleRef: unknown) => {
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(roleRef)),
  );
  return policies.flatMap(
    (p) =>
      (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
        .Statement,
  );
};
const fnStatements = (name: string) =>
  statementsOf({ Ref: (fnProps(name).Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] });
const actionsOf = (statements: { Action: string | string[] }[]) =>
  statements.flatMap((s) => [s.Action].flat());

describe('DynamoDB table', () => {
  it('is pk/sk, on-demand, with point-in-time recovery and encryption, and outlives the stack', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  it('has the sparse due index the sweep reads: dueShard/dueAt (strings), keys only', () => {
    const table = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'))[0]!.Properties;
    expect(table.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'due',
        KeySchema: [
          { AttributeName: 'dueShard', KeyType: 'HASH' },
          { AttributeName: 'dueAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'dueShard', AttributeType: 'S' },
        { AttributeName: 'dueAt', AttributeType: 'S' },
      ]),
    );
  });
});

describe('Lambda functions', () => {
  const names = [...FUNCTIONS];
  /** The handlers that read the workflows at cold start (journey-step gets the step in its input). */
  const readWorkflows = names.filter((n) => n !== 'journey-step');
  const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table', {});
  const journeyMap = () =>
    Object.fromEntries(shipped.journeys.map((j) => [j.journey.id, stateMachineArn(j.journey.id)]));

  it('are sized as the cost forecast bills them: the memory and architecture of domain/lambda-sizing.ts', () => {
    expect(Object.keys(LAMBDA_MEMORY_MB).sort()).toEqual([...FUNCTIONS].sort());
    for (const name of FUNCTIONS) {
      expect(fnProps(name)).toMatchObject({
        MemorySize: LAMBDA_MEMORY_MB[name],
        Architectures: [LAMBDA_ARCHITECTURE],
      });
    }
  });

  it('are the five handlers, Node.js 24 on arm64, traced, each logging to its own log group', () => {
    template.resourceCountIs('AWS::Lambda::Function', names.length);
    for (const name of names) {
      expect(fnProps(name)).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      const logGroup = (fnProps(name).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(
        resourcesOf(template, 'AWS::Logs::LogGroup')[logGroup]?.Properties.RetentionInDays,
      ).toBeGreaterThan(0);
    }
  });

  it('get the table, the bundled workflows and Powertools settings', () => {
    for (const name of names) {
      expect(envOf(name)).toMatchObject({
        TABLE_NAME: { Ref: tableId },
        POWERTOOLS_SERVICE_NAME: 'rapport',
        POWERTOOLS_METRICS_NAMESPACE: 'Rapport',
        // Traces flag failures; the messages stay in the (redacted) logs.
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
      });
    }
    for (const name of readWorkflows)
      expect(envOf(name)).toMatchObject({ WORKFLOWS_FILE: '/var/task/workflows.json' });
  });

  it('journey-step gets the table and the scale settings and nothing else, and times out before its Task state (60 s)', () => {
    expect(Object.keys(envOf('journey-step')).sort()).toEqual(
      [
        'NODE_OPTIONS',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_TRACER_CAPTURE_ERROR',
        'TABLE_NAME',
        ...Object.values(SCALE_ENV),
      ].sort(),
    );
    expect(fnProps('journey-step').Timeout).toBeLessThan(60);
  });

  it('ingest-event, sweep, feedback and delivery-events find every journey by one ARN prefix and its name', () => {
    for (const name of ['ingest-event', 'sweep', 'feedback', 'delivery-events']) {
      const env = envOf(name);
      expect(cfnText(env.STATE_MACHINE_ARN_PREFIX)).toBe(
        'arn:{AWS::Partition}:states:{AWS::Region}:{AWS::AccountId}:stateMachine:',
      );
      const ids = shipped.journeys.map((j) => j.journey.id);
      expect(stateMachineArns(cfnText(env.STATE_MACHINE_ARN_PREFIX), ids)).toEqual(journeyMap());
    }
    for (const name of ['ingest-event', 'sweep'])
      expect(envOf(name)).not.toHaveProperty('LINK_SIGNING_SECRET_ARN');
    for (const name of FUNCTIONS) expect(envOf(name)).not.toHaveProperty('JOURNEY_STATE_MACHINES');
  });

  it('ingest-event and sweep may announce lifecycle changes on the rapport bus, with that source only', () => {
    const busId = logicalIdOf(template, 'AWS::Events::EventBus', { Name: 'rapport' });
    for (const name of ['ingest-event', 'sweep']) {
      expect(envOf(name).EVENT_BUS_NAME).toEqual({ Ref: busId });
      const roleArn = fnProps(name).Role as { 'Fn::GetAtt': string[] };
      const events = statementsOf({ Ref: roleArn['Fn::GetAtt'][0] }).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('events:')),
      );
      expect({ name, events }).toEqual({
        name,
        events: [
          expect.objectContaining({
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
            Condition: { StringEquals: { 'events:source': 'rapport.lifecycle' } },
          }),
        ],
      });
    }
  });

  it('send-message gets the sender, the configuration set, the API URL for links and the signing secret', () => {
    const secretId = logicalIdOf(template, 'AWS::SecretsManager::Secret', {});
    const env = envOf('send-message');
    expect(env).toMatchObject({
      SENDER_ADDRESS: 'no-reply@example.com',
      SES_CONFIGURATION_SET: {
        Ref: logicalIdOf(template, 'AWS::SES::ConfigurationSet', { Name: 'rapport' }),
      },
      SES_TRACKED_CONFIGURATION_SET: {
        Ref: logicalIdOf(template, 'AWS::SES::ConfigurationSet', { Name: 'rapport-tracked' }),
      },
      LINK_SIGNING_SECRET_ARN: { Ref: secretId },
    });
    const apiId = logicalIdOf(template, 'AWS::ApiGatewayV2::Api', {});
    expect(cfnText(env.PUBLIC_BASE_URL)).toBe(
      `https://{Ref:${apiId}}.execute-api.{AWS::Region}.{AWS::URLSuffix}/`,
    );
    expect(envOf('unsubscribe')).toMatchObject({ LINK_SIGNING_SECRET_ARN: { Ref: secretId } });
  });

  it('have their own roles without managed policies, and only the grants their handler needs', () => {
    for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role')))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();

    const ingest = actionsOf(fnStatements('ingest-event'));
    const send = actionsOf(fnStatements('send-message'));
    const journeyStep = actionsOf(fnStatements('journey-step'));
    const unsubscribe = actionsOf(fnStatements('unsubscribe'));
    const sweep = actionsOf(fnStatements('sweep'));
    for (const actions of [ingest, send, journeyStep, unsubscribe, sweep])
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
    // Table items, logs and traces only.
    expect(journeyStep.filter((a) => !/^(dynamodb|logs|xray):/.test(a))).toEqual([]);

    // Starts are queued (start-journey makes them); resuming and stopping stay direct.
    for (const actions of [ingest, sweep]) {
      expect(actions).not.toContain('states:StartExecution');
      expect(actions).toContain('sqs:SendMessage');
    }
    // Its recovery pass finishes an event as ingest would: resuming and ending journeys too (issue 10).
    for (const a of ['states:SendTaskSuccess', 'states:StopExecution']) {
      expect(ingest).toContain(a);
      expect(sweep).toContain(a);
    }
    for (const a of ['ses:SendRawEmail', 'secretsmanager:GetSecretValue']) expect(sweep).not.toContain(a);
    expect(send).toContain('ses:SendRawEmail');
    expect(send).toContain('secretsmanager:GetSecretValue');
    expect(unsubscribe).toContain('secretsmanager:GetSecretValue');
    for (const a of ['states:StartExecution', 'ses:SendRawEmail']) expect(unsubscribe).not.toContain(a);
    for (const a of ['ses:SendRawEmail', 'secretsmanager:GetSecretValue']) expect(ingest).not.toContain(a);
    expect(send).not.toContain('states:StartExecution');
  });

  it('are granted what tests/support/role-actions.json says (the handler tests refuse any other call)', () => {
    if (readRoleActionsText() !== roleActionsText(template))
      throw new Error(`tests/support/role-actions.json is stale: run ${REGENERATE}, and review its diff`);
  });

  it('only start-journey may start the rapport-* state machines, every journey among them, in one statement', () => {
    const starts = (name: string) =>
      fnStatements(name).filter((s) => [s.Action].flat().includes('states:StartExecution'));
    expect(
      starts('start-journey').map((s) => ({ action: s.Action, resource: [s.Resource].flat().map(cfnText) })),
    ).toEqual([{ action: 'states:StartExecution', resource: [stateMachineArn('*')] }]);
    for (const { journey } of shipped.journeys)
      expect(arnMatches(stateMachineArn('*'), stateMachineArn(journey.id))).toBe(true);
    const others = FUNCTIONS.filter((name) => name !== 'start-journey');
    expect(others.filter((name) => starts(name).length > 0)).toEqual([]);
  });

  it('only sweep may query the due index; no function gets every index of the table', () => {
    const onIndexes = (name: string) =>
      fnStatements(name).flatMap((s) =>
        [s.Resource]
          .flat()
          .filter((r) => cfnText(r).includes('/index/'))
          .map((r) => ({ actions: [s.Action].flat(), resource: cfnText(r) })),
      );
    expect(onIndexes('sweep')).toEqual([
      { actions: ['dynamodb:Query'], resource: `{GetAtt:${tableId}.Arn}/index/due` },
    ]);
    for (const name of names.filter((n) => n !== 'sweep')) expect(onIndexes(name)).toEqual([]);
  });

  it('send-message may send only from the sender identity and through the configuration set', () => {
    const ses = fnStatements('send-message').filter((s) => [s.Action].flat().includes('ses:SendRawEmail'));
    expect(ses).toHaveLength(1);
    const configurationSet = logicalIdOf(template, 'AWS::SES::ConfigurationSet', { Name: 'rapport' });
    const tracked = logicalIdOf(template, 'AWS::SES::ConfigurationSet', { Name: 'rapport-tracked' });
    expect([ses[0]!.Resource].flat().map(cfnText).sort()).toEqual(
      [
        `arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}:configuration-set/{Ref:${configurationSet}}`,
        `arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}:configuration-set/{Ref:${tracked}}`,
        'arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}:identity/example.com',
        'arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}:identity/no-reply@example.com',
      ].sort(),
    );
  });
});

describe('journey state machines', () => {
  it('are one Standard state machine per journey, logging ALL and traced', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', shipped.journeys.length);
    for (const { journey } of shipped.journeys) {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: `rapport-${journey.id}`,
        StateMachineType: 'STANDARD',
        LoggingConfiguration: {
          Level: 'ALL',
          Destinations: [
            { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
          ],
        },
        TracingConfiguration: { Enabled: true },
        DefinitionSubstitutions: Match.exact({
          [SUBSTITUTIONS.sendMessage]: { 'Fn::GetAtt': [fnId('send-message'), 'Arn'] },
          [SUBSTITUTIONS.journeyStep]: { 'Fn::GetAtt': [fnId('journey-step'), 'Arn'] },
          [SUBSTITUTIONS.eventBus]: {
            Ref: logicalIdOf(template, 'AWS::Events::EventBus', { Name: 'rapport' }),
          },
        }),
      });
    }
  });

  it('log to /aws/vendedlogs/ log groups (one wildcard in the account-wide log delivery policy)', () => {
    for (const { journey } of shipped.journeys)
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/vendedlogs/states/rapport-${journey.id}`,
        RetentionInDays: Match.anyValue(),
      });
  });

  it('deploy byte for byte the ASL the local runtime executes', () => {
    expect(shipped.journeys.length).toBeGreaterThan(0);
    const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
    for (const loaded of shipped.journeys) {
      const deployed = machines[stateMachineId(loaded.journey.id)]!.Properties.DefinitionString;
      expect(typeof deployed).toBe('string');
      expect(deployed === loaded.asl).toBe(true);
    }
  });

  it('may invoke send-message and journey-step (the unqualified ARNs the ASL names) and nothing else', () => {
    for (const { journey } of shipped.journeys) {
      const roleArn = resourcesOf(template, 'AWS::StepFunctions::StateMachine')[stateMachineId(journey.id)]!
        .Properties.RoleArn as { 'Fn::GetAtt': string[] };
      const invoke = statementsOf({ Ref: roleArn['Fn::GetAtt'][0] }).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('lambda:')),
      );
      expect(invoke).toEqual([
        expect.objectContaining({
          Action: 'lambda:InvokeFunction',
          Resource: [
            { 'Fn::GetAtt': [fnId('send-message'), 'Arn'] },
            { 'Fn::GetAtt': [fnId('journey-step'), 'Arn'] },
          ],
        }),
      ]);
    }
  });

  it('may put task events on the rapport bus if they have a task step, and nothing else on EventBridge', () => {
    const busArn = {
      'Fn::GetAtt': [logicalIdOf(template, 'AWS::Events::EventBus', { Name: 'rapport' }), 'Arn'],
    };
    const withTasks = shipped.journeys.filter(({ journey }) => journey.steps.some((s) => s.type === 'task'));
    for (const { journey } of shipped.journeys) {
      const roleArn = resourcesOf(template, 'AWS::StepFunctions::StateMachine')[stateMachineId(journey.id)]!
        .Properties.RoleArn as { 'Fn::GetAtt': string[] };
      const events = statementsOf({ Ref: roleArn['Fn::GetAtt'][0] }).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('events:')),
      );
      const expected = withTasks.some((j) => j.journey.id === journey.id)
        ? [
            expect.objectContaining({
              Action: 'events:PutEvents',
              Resource: busArn,
              Condition: { StringEquals: { 'events:source': TASK_EVENT.source } },
            }),
          ]
        : [];
      expect({ journey: journey.id, events }).toEqual({ journey: journey.id, events: expected });
    }
  });
});

describe('HTTP API', () => {
  const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route');
  const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
  const route = (key: string) => Object.values(routes).find((r) => r.Properties.RouteKey === key)?.Properties;
  const targetFunction = (key: string) => {
    const target = cfnText(route(key)?.Target);
    const integration = integrations[target.replace(/^integrations\/\{Ref:(.+)\}$/, '$1')]!;
    return integration.Properties.IntegrationUri;
  };

  it('POST /events goes to accept-event, DELETE /customers/{id} to ingest-event; both need SigV4', () => {
    expect(route('POST /events')).toMatchObject({ AuthorizationType: 'AWS_IAM' });
    expect(targetFunction('POST /events')).toEqual({ 'Fn::GetAtt': [fnId('accept-event'), 'Arn'] });
    expect(route('DELETE /customers/{id}')).toMatchObject({ AuthorizationType: 'AWS_IAM' });
    expect(targetFunction('DELETE /customers/{id}')).toEqual({ 'Fn::GetAtt': [fnId('ingest-event'), 'Arn'] });
  });

  it('GET and POST /unsubscribe go to unsubscribe and are public (links in emails)', () => {
    for (const key of ['GET /unsubscribe', 'POST /unsubscribe']) {
      expect(route(key)).toMatchObject({ AuthorizationType: 'NONE' });
      expect(targetFunction(key)).toEqual({ 'Fn::GetAtt': [fnId('unsubscribe'), 'Arn'] });
    }
  });

  it('has exactly the routes the local runtime serves (functions/routes.ts)', () => {
    expect(
      Object.values(routes)
        .map((r) => r.Properties.RouteKey)
        .sort(),
    ).toEqual(HTTP_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('has a throttled $default stage with access logs that leave the query string (tokens) out', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      // What a route without its own throttle gets: the public routes' (tests/infra/limits.test.ts).
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        Format: Match.anyValue(),
      },
    });
    const stage = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'))[0]!.Properties;
    const format = (stage.AccessLogSettings as { Format: string }).Format;
    expect(JSON.parse(format)).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
    });
    expect(format).not.toMatch(/querystring|rawQueryString|\$context\.path/i);
  });
});

/** The queue a dead-letter config (`{ Arn: { 'Fn::GetAtt': [queue, 'Arn'] } }`) points at. */
const queueOf = (arn: unknown) => (arn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
/** The dead-letter queue of the Lambda function with this logical id. */
const dlqOf = (fnLogicalId: string) =>
  queueOf(
    (
      resourcesOf(template, 'AWS::Lambda::Function')[fnLogicalId]!.Properties.DeadLetterConfig as {
        TargetArn: unknown;
      }
    ).TargetArn,
  );
/** The queue with this name. */
const namedQueue = (name: string) => logicalIdOf(template, 'AWS::SQS::Queue', { QueueName: name });
/**
 * The dead-letter queues: events EventBridge could not queue, sweeps failed, bounces/complaints/STOP not
 * handled, and those of the three work queues (ingest, starts, sweep).
 */
const deadLetterQueues = () => [
  queueOf(
    (
      Object.values(resourcesOf(template, 'AWS::Events::Rule')).find((r) => r.Properties.EventBusName)!
        .Properties.Targets as {
        DeadLetterConfig: { Arn: unknown };
      }[]
    )[0]!.DeadLetterConfig.Arn,
  ),
  dlqOf(fnId('sweep')),
  dlqOf(fnId('delivery-events')),
  ...['ingest', 'starts', 'sweep'].map((name) => namedQueue(`rapport-${name}-dlq`)),
];

/** Encrypted with SQS-managed keys, and refusing requests made without TLS. */
const expectSafeQueue = (queueId: string) => {
  expect(resourcesOf(template, 'AWS::SQS::Queue')[queueId]?.Properties).toMatchObject({
    SqsManagedSseEnabled: true,
  });
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    Queues: [{ Ref: queueId }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    },
  });
};

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

describe('ingest-event and the journeys it answers', () => {
  it('may resume waiting steps (SendTaskSuccess) and stop executions whose goal was reached, for each journey', () => {
    // Each statement as its actions and the text of each resource it names.
    const grants = fnStatements('ingest-event').flatMap((s) =>
      [s.Resource].flat().map((r) => ({ actions: [s.Action].flat(), resource: cfnText(r) })),
    );
    for (const { journey } of shipped.journeys) {
      const allowed = (action: string, arn: string) =>
        grants.some((g) => g.actions.includes(action) && arnMatches(g.resource, arn));
      expect({
        journey: journey.id,
        resume: allowed('states:SendTaskSuccess', stateMachineArn(journey.id)),
        stop: allowed(
          'states:StopExecution',
          `${stateMachineArn(journey.id)}:exec-1`.replace(':stateMachine:', ':execution:'),
        ),
      }).toEqual({ journey: journey.id, resume: true, stop: true });
    }
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

describe('sentiment and surveys', () => {
  it('ingest-event and feedback may call comprehend:DetectSentiment, in a statement of that one action; no other function may', () => {
    const readers: readonly string[] = ['ingest-event', 'feedback'];
    for (const name of readers) {
      const statements = fnStatements(name).filter((st) =>
        [st.Action].flat().some((a) => a.startsWith('comprehend:')),
      );
      expect(statements).toEqual([
        expect.objectContaining({ Action: 'comprehend:DetectSentiment', Resource: '*' }),
      ]);
    }
    for (const name of FUNCTIONS.filter((f) => !readers.includes(f)))
      expect(actionsOf(fnStatements(name)).filter((a) => a.startsWith('comprehend:'))).toEqual([]);
  });

  it('the survey links are public routes to the feedback function, on the throttled stage', () => {
    const feedbackRoutes = HTTP_ROUTES.filter((r) => r.function === 'feedback');
    expect(feedbackRoutes.map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
      'GET /feedback none',
      'POST /feedback none',
    ]);
    for (const r of feedbackRoutes)
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${r.method} ${r.path}`,
        AuthorizationType: 'NONE',
      });
  });
});
