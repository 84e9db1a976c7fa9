import { Match } from 'aws-cdk-lib/assertions';
import { LAMBDA_ARCHITECTURE, LAMBDA_MEMORY_MB } from '../../domain/lambda-sizing';
import { SCALE_ENV } from '../../domain/config/scale';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import { FUNCTIONS } from '../../functions/routes';
import { readRoleActionsText, REGENERATE, roleActionsText } from './role-actions';
import {
  actionsOf,
  envOf,
  fnProps,
  fnStatements,
  shipped,
  stateMachineArn,
  statementsOf,
  template,
} from './shipped-template';
import { arnMatches, cfnText, logicalIdOf, resourcesOf } from './support';

// The DynamoDB table and the Lambda functions of the shipped stack (tests/infra/shipped-template.ts).

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
