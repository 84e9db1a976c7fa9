import { Match } from 'aws-cdk-lib/assertions';
import { SUBSTITUTIONS, TASK_EVENT } from '../../domain/journey/compile';
import { FUNCTIONS, HTTP_ROUTES } from '../../functions/routes';
import {
  actionsOf,
  fnId,
  fnStatements,
  shipped,
  stateMachineArn,
  stateMachineId,
  statementsOf,
  template,
} from './shipped-template';
import { arnMatches, cfnText, logicalIdOf, resourcesOf } from './support';

// The journey state machines and the HTTP API of the shipped stack (tests/infra/shipped-template.ts).

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
