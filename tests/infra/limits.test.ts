import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { AWS_QUOTAS, DEFAULT_SCALE, scaleFromEnv, type Scale } from '../../domain/config/scale';
import { FUNCTIONS, HTTP_ROUTES } from '../../functions/routes';
import { METRIC } from '../../functions/shared/observability';
import { buildApp } from '../../infra/build-app';
import { checkScale, InvalidSettingError } from '../../infra/names';
import { StackOfParts, StackPart, uniqueId } from '../../infra/stack-part';
import { cfnText, FAST_SYNTH, fastApp, logicalIdOf, resourcesOf } from './support';

// One synth with scale settings other than the defaults, so that each figure is seen to come from them.
const SCALE: Partial<Scale> = { eventsApiPerSecond: 3_000, linksApiPerSecond: 75, dueShards: 128 };
const { stack } = buildApp({
  nag: false,
  appProps: { ...FAST_SYNTH, context: { ...FAST_SYNTH.context, scale: SCALE } },
});
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }
>;

const fnId = (name: string) =>
  logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Rapport ${name}` });
const envOf = (name: string) =>
  (resources[fnId(name)]!.Properties.Environment as { Variables: Record<string, string> }).Variables;
type Statement = { Action: string | string[]; Resource: unknown };
const statementsOf = (name: string): Statement[] => {
  const role = (resources[fnId(name)]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
};
const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table', {});

describe('scale settings (context scale)', () => {
  it('reach every function as environment variables, the ones not given at their defaults', () => {
    const expected = { ...DEFAULT_SCALE, ...SCALE };
    for (const name of FUNCTIONS)
      expect({ name, scale: scaleFromEnv(envOf(name)) }).toEqual({ name, scale: expected });
  });

  it('are refused by name when a field is wrong or unknown', () => {
    expect(() => checkScale({ dueShards: 0 })).toThrow(InvalidSettingError);
    expect(() => checkScale({ dueShards: 0 })).toThrow(
      /context scale\.dueShards: got 0; expected a whole number/,
    );
    expect(() => checkScale({ startsPerSecond: 'fast' })).toThrow(
      /context scale\.startsPerSecond: got "fast"/,
    );
    expect(() => checkScale({ dueShard: 64 })).toThrow(/context scale: got the unknown field "dueShard"/);
    expect(() => checkScale('64')).toThrow(/context scale: got 64; expected an object/);
    // From the command line: -c 'scale={"linksApiPerSecond":10}'.
    expect(checkScale('{"linksApiPerSecond":10}')).toEqual({ ...DEFAULT_SCALE, linksApiPerSecond: 10 });
    expect(checkScale(undefined)).toEqual(DEFAULT_SCALE);
  });
});

describe('API throttles', () => {
  const stage = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'))[0]!;
  const settings = stage.Properties.RouteSettings as Record<
    string,
    { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
  >;

  it('POST /events and DELETE /customers/{id} at eventsApiPerSecond, burst twice that', () => {
    for (const key of ['POST /events', 'DELETE /customers/{id}'])
      expect({ key, ...settings[key] }).toEqual({
        key,
        ThrottlingRateLimit: 3_000,
        ThrottlingBurstLimit: 6_000,
      });
  });

  it('the public link routes at linksApiPerSecond, burst twice that; every route has its own', () => {
    const links = HTTP_ROUTES.filter((r) => r.auth === 'none').map((r) => `${r.method} ${r.path}`);
    expect(links).toEqual(expect.arrayContaining(['GET /unsubscribe', 'POST /preferences', 'GET /feedback']));
    for (const key of links)
      expect({ key, ...settings[key] }).toEqual({ key, ThrottlingRateLimit: 75, ThrottlingBurstLimit: 150 });
    expect(Object.keys(settings).sort()).toEqual(HTTP_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('a stage default for anything else (the public routes limit), and the stage waits for the routes', () => {
    expect(stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 75,
      ThrottlingBurstLimit: 150,
    });
    // API Gateway refuses settings naming a route that does not exist yet.
    const stageId = Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'))[0]!;
    const routeIds = Object.keys(resourcesOf(template, 'AWS::ApiGatewayV2::Route'));
    expect(resources[stageId]!.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });
});

describe('DynamoDB: least privilege per function', () => {
  /** Each function's DynamoDB actions, by the resource they are on (table items or an index). */
  const dynamo = (name: string) => {
    const grants: Record<string, string[]> = {};
    for (const s of statementsOf(name))
      for (const action of [s.Action].flat().filter((a) => a.startsWith('dynamodb:')))
        for (const r of [s.Resource].flat()) (grants[cfnText(r)] ??= []).push(action);
    return Object.fromEntries(Object.entries(grants).map(([r, a]) => [r, a.sort()]));
  };
  const table = `{GetAtt:${tableId}.Arn}`;
  const actions = (...names: string[]) => names.map((n) => `dynamodb:${n}`).sort();

  it('each function has exactly the actions its handler uses', () => {
    // ingestEvent: one batch read of what it decides from; journey entries written in one batch.
    const ingest = actions('BatchGetItem', 'BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query');
    expect(Object.fromEntries(FUNCTIONS.map((name) => [name, dynamo(name)]))).toEqual({
      // Erasure (DELETE /customers/{id}) queries the partition and deletes it item by item.
      'ingest-event': { [table]: ingest },
      feedback: { [table]: ingest },
      // The coordinator: its lease, its recovery pass, the due index.
      sweep: { [table]: ingest, [`${table}/index/due`]: actions('Query') },
      // The workers do not read the index; an execution's end is set on its entry in place.
      'sweep-worker': { [table]: actions('BatchWriteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem') },
      'accept-event': { [table]: actions('BatchGetItem') },
      'start-journey': { [table]: actions('BatchGetItem') },
      'send-message': { [table]: actions('BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query') },
      'journey-step': { [table]: actions('GetItem', 'PutItem') },
      unsubscribe: { [table]: actions('GetItem', 'PutItem') },
      // Engagement events are ingested (ingestEvent), suppressions listed.
      'delivery-events': { [table]: ingest },
    });
  });

  // Batches carry no conditions: they only read, or write journey entries (unconditional puts anyway).
  // One exception: the sweep worker sets an execution's end on its journey entry in place (one conditional
  // UpdateItem that never recreates an erased customer's entry, nor overwrites what else the entry holds).
  it('no function may scan, transact, update in place (but the end of an execution) or read the stream', () => {
    const forbidden = /^dynamodb:(Scan|Transact|UpdateItem|PartiQL|GetRecords|GetShardIterator|\*)/;
    for (const name of FUNCTIONS) {
      const all = Object.values(dynamo(name))
        .flat()
        .filter((a) => name !== 'sweep-worker' || a !== 'dynamodb:UpdateItem');
      expect({ name, forbidden: all.filter((a) => forbidden.test(a)) }).toEqual({ name, forbidden: [] });
    }
  });
});

describe('open executions against the quota', () => {
  const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
  const body = cfnText(
    Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody,
  );

  it('alarm at 80% of the quota on the journeys Rapport started in 7 days', () => {
    const open = alarms.filter((a) => a.Properties.MetricName === METRIC.journeysStarted);
    expect(open.map((a) => a.Properties)).toEqual([
      expect.objectContaining({
        Namespace: 'Rapport',
        Statistic: 'Sum',
        Period: 7 * 86_400,
        EvaluationPeriods: 1,
        Threshold: 0.8 * AWS_QUOTAS.openExecutions,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ]);
  });

  it('a dashboard graph of started less ended executions, over every state machine, for longer than a year', () => {
    const widget = (JSON.parse(body) as { widgets: { properties: Record<string, unknown> }[] }).widgets.find(
      (w) => String(w.properties.title).startsWith('Open executions ('),
    );
    expect(widget?.properties).toMatchObject({
      period: 86_400,
      annotations: {
        horizontal: [{ value: 0.8 * AWS_QUOTAS.openExecutions }, { value: AWS_QUOTAS.openExecutions }],
      },
    });
    expect(Number(/^-P(\d+)D$/.exec(String(widget?.properties.start))?.[1])).toBeGreaterThan(365);
    const [expression] = (widget?.properties.metrics as [{ expression: string }][])[0]!;
    expect(expression.expression).toMatch(
      /^RUNNING_SUM\(SUM\(SEARCH\(.*ExecutionsStarted.*\)\) - SUM\(SEARCH\(/,
    );
    for (const ended of [
      'ExecutionsSucceeded',
      'ExecutionsFailed',
      'ExecutionsAborted',
      'ExecutionsTimedOut',
    ])
      expect(expression.expression).toContain(`"${ended}"`);
  });
});

describe('stack parts', () => {
  it('compute logical IDs as CDK does', () => {
    const plain = new Stack(fastApp(), 'Plain');
    const paths = [
      ['Table'],
      ['Events', 'HttpApi', 'Resource'],
      ['Journeys', 'Default', 'StateMachine'],
      ['Sweep', 'Sweep', 'Function'],
      ['A-b', 'c_d', 'Resource', 'Default'],
    ];
    for (const path of paths) {
      let scope: Construct = plain;
      for (const id of path.slice(0, -1))
        scope = (scope.node.tryFindChild(id) as Construct) ?? new Construct(scope, id);
      new CfnResource(scope, path.at(-1)!, { type: 'Test::Thing' });
    }
    const ids = Object.keys(Template.fromStack(plain).toJSON().Resources as object).sort();
    expect(ids).toEqual(paths.map(uniqueId).sort());
  });

  it('are left out of the logical IDs: the stateful and named resources keep those they had before the split', () => {
    const kept: Record<string, string> = {
      TableCD117FA1: 'AWS::DynamoDB::Table',
      LinkSigningSecret6FCDA02C: 'AWS::SecretsManager::Secret',
      IngestDeadLetters30EF41F6: 'AWS::SQS::Queue',
      SweepDeadLettersBE53EB73: 'AWS::SQS::Queue',
      FeedbackDeadLetters07994F3B: 'AWS::SQS::Queue',
      HttpApiAccessLogs4B419BF6: 'AWS::Logs::LogGroup',
      IngestEventLogs6A08A073: 'AWS::Logs::LogGroup',
      SendMessageLogs0C781E5F: 'AWS::Logs::LogGroup',
      EventBus7B8748AA: 'AWS::Events::EventBus',
      HttpApiF5A9A8A7: 'AWS::ApiGatewayV2::Api',
      ConfigurationSet3DD38186: 'AWS::SES::ConfigurationSet',
      DeliveryFeedbackOptOutList079F5B32: 'AWS::SMSVOICE::OptOutList',
      DeliveryFeedbackTopicKey396FB88A: 'AWS::KMS::Key',
      SweepSchedule608B5E34: 'AWS::Scheduler::Schedule',
      JourneySpringFestivalGreetingStateMachine14387D3D: 'AWS::StepFunctions::StateMachine',
      Dashboard7A714131: 'AWS::CloudWatch::Dashboard',
    };
    expect(Object.fromEntries(Object.keys(kept).map((id) => [id, resources[id]?.Type]))).toEqual(kept);
  });

  it('refuse two resources that would share a logical ID', () => {
    class Part extends StackPart {}
    class Parted extends StackOfParts {}
    const parted = new Parted(fastApp(), 'Parted');
    new CfnResource(new Part(parted, 'One'), 'Twin', { type: 'Test::Thing' });
    new CfnResource(new Part(parted, 'Two'), 'Twin', { type: 'Test::Thing' });
    expect(() => Template.fromStack(parted)).toThrow(
      /Parted\/Two\/Twin and Parted\/One\/Twin would share the logical ID Twin/,
    );
  });
});
