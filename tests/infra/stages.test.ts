import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadWorkflows } from '../../domain/config/load';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import { addRapportStack } from '../../infra/build-app';
import { readSettings } from '../../infra/settings';
import { arnMatches, cfnText, fastApp, TEST_SENDER, WORKFLOWS_DIR, type Resources } from './support';

// Two stages side by side in one app, through the same path as `cdk synth -c stage=…` (settings, then the
// stack): the two synths of this file.
const workflows = loadWorkflows(WORKFLOWS_DIR);
const journeyIds = workflows.journeys.map((l) => l.journey.id);
const STAGES = { dev: {}, prod: {} };
const app = fastApp();
const stacks = (['dev', 'prod'] as const).map((stage) => {
  const settings = readSettings({
    context: (key) => ({ stage, stages: STAGES, senderAddress: TEST_SENDER })[key],
  });
  return { stage, stack: addRapportStack(app, settings, workflows) };
});
// Both built before either is synthesized: the app is synthesized once, with both in it.
const [dev, prod] = stacks.map((s) => ({ ...s, template: Template.fromStack(s.stack) })) as [Staged, Staged];
interface Staged {
  stage: string;
  stack: ReturnType<typeof addRapportStack>;
  template: Template;
}

const resources = (t: Template) => t.toJSON().Resources as Resources;
const outputs = (t: Template) => t.toJSON().Outputs as Record<string, { Value: unknown }>;

// Names that live inside another resource (an inline policy in its role, a stage in its API, an event
// destination in its configuration set) or name a metric: not resources of the account and region.
const NOT_ACCOUNT_WIDE = new Set(['PolicyName', 'StageName', 'EventDestinationName', 'MetricName']);

/** Every literal name a resource is given (`…Name` properties, display names included), by type. */
function physicalNames(t: Template): string[] {
  return Object.values(resources(t)).flatMap((r) =>
    Object.entries(r.Properties ?? {})
      .filter(([key, value]) => /Name$/.test(key) && !NOT_ACCOUNT_WIDE.has(key) && typeof value === 'string')
      .map(([key, value]) => `${r.Type} ${key} ${String(value)}`),
  );
}

describe('stages side by side in one account and region', () => {
  it('are the stacks dev-Rapport and prod-Rapport', () => {
    expect([dev.stack.stackName, prod.stack.stackName]).toEqual(['dev-Rapport', 'prod-Rapport']);
    expect([dev.stack.node.id, prod.stack.node.id]).toEqual(['dev-Rapport', 'prod-Rapport']);
  });

  it('share no physical name: every name of each starts with its stage', () => {
    const names = [dev, prod].map(({ template }) => physicalNames(template).map((n) => n.split(' ')[2]!));
    const [devNames, prodNames] = names as [string[], string[]];
    // Queues, DLQs, bus, API, configuration sets, opt-out list, dashboard, schedule, state machines, their
    // log groups, alarms, topics: far more than a handful.
    expect(devNames.length).toBeGreaterThan(100);
    expect(devNames.filter((n) => prodNames.includes(n))).toEqual([]);
    for (const [stage, list] of [
      ['dev', devNames],
      ['prod', prodNames],
    ] as const)
      expect(list.filter((n) => !n.replace('/aws/vendedlogs/states/', '').startsWith(`${stage}-`))).toEqual(
        [],
      );
  });

  it('name every kind of named resource after the stage', () => {
    const kinds = new Set(physicalNames(dev.template).map((n) => n.split(' ').slice(0, 2).join(' ')));
    expect([...kinds].sort()).toEqual(
      [
        'AWS::ApiGatewayV2::Api Name',
        'AWS::CloudWatch::Alarm AlarmName',
        'AWS::CloudWatch::Dashboard DashboardName',
        'AWS::Events::EventBus Name',
        'AWS::Logs::LogGroup LogGroupName',
        'AWS::SES::ConfigurationSet Name',
        'AWS::SMSVOICE::ConfigurationSet ConfigurationSetName',
        'AWS::SMSVOICE::OptOutList OptOutListName',
        'AWS::SNS::Topic DisplayName',
        'AWS::SQS::Queue QueueName',
        'AWS::Scheduler::Schedule Name',
        'AWS::StepFunctions::StateMachine StateMachineName',
      ].sort(),
    );
  });

  it("let CloudWatch publish for one stage's alarms only", () => {
    const sourcePattern = (t: Template) => {
      const policies = Object.values(resources(t)).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
      const statement = policies
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
        .find((s) => s.Sid === 'CloudWatchAlarmsOfThisStack')!;
      return cfnText((statement.Condition as { ArnLike: Record<string, unknown> }).ArnLike['aws:SourceArn']);
    };
    const alarmArns = (t: Template) =>
      Object.values(resources(t))
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .map(
          (r) =>
            `arn:{AWS::Partition}:cloudwatch:{AWS::Region}:{AWS::AccountId}:alarm:${String(r.Properties.AlarmName)}`,
        );
    for (const [own, other] of [
      [dev, prod],
      [prod, dev],
    ] as const) {
      expect(alarmArns(own.template).every((a) => arnMatches(sourcePattern(own.template), a))).toBe(true);
      expect(alarmArns(other.template).filter((a) => arnMatches(sourcePattern(own.template), a))).toEqual([]);
    }
  });

  it("give the functions an ARN prefix that finds their own stage's state machines, and grants on those only", () => {
    for (const { stage, template } of [dev, prod]) {
      const functions = Object.values(resources(template)).filter((r) => r.Type === 'AWS::Lambda::Function');
      const prefixes = functions
        .map((f) => (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables)
        .filter((v) => 'STATE_MACHINE_ARN_PREFIX' in v)
        .map((v) => cfnText(v.STATE_MACHINE_ARN_PREFIX));
      // ingest-event, feedback, start-journey, sweep, sweep-worker, delivery-events.
      expect(prefixes).toHaveLength(6);
      const expected = `arn:{AWS::Partition}:states:{AWS::Region}:{AWS::AccountId}:stateMachine:${stage}-`;
      expect(new Set(prefixes)).toEqual(new Set([expected]));
      const deployed = Object.values(resources(template))
        .filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')
        .map(
          (r) =>
            `arn:{AWS::Partition}:states:{AWS::Region}:{AWS::AccountId}:stateMachine:${String(r.Properties.StateMachineName)}`,
        );
      expect(Object.values(stateMachineArns(expected, journeyIds)).sort()).toEqual(deployed.sort());
      const startGrants = Object.values(resources(template))
        .filter((r) => r.Type === 'AWS::IAM::Policy')
        .flatMap(
          (p) =>
            (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
              .Statement,
        )
        .filter((s) => [s.Action].flat().includes('states:StartExecution'))
        .flatMap((s) => [s.Resource].flat().map(cfnText));
      const other = stage === 'dev' ? 'prod' : 'dev';
      expect(startGrants).toHaveLength(1);
      for (const id of journeyIds) {
        expect(arnMatches(startGrants[0]!, `${expected}rapport-${id}`)).toBe(true);
        expect(
          arnMatches(startGrants[0]!, `${expected.replace(`:${stage}-`, `:${other}-`)}rapport-${id}`),
        ).toBe(false);
        expect(arnMatches(startGrants[0]!, `${expected.replace(`:${stage}-`, ':')}rapport-${id}`)).toBe(
          false,
        );
      }
    }
  });

  it("publish and read their own metrics: one stage's failures never set off another stage's alarms", () => {
    for (const { stage, template } of [dev, prod]) {
      const own = `${stage}-Rapport`;
      const res = Object.values(resources(template));
      const envs = res
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => (r.Properties?.Environment as { Variables: Record<string, unknown> }).Variables);
      expect(envs.length).toBeGreaterThan(5);
      expect(new Set(envs.map((v) => v.POWERTOOLS_METRICS_NAMESPACE))).toEqual(new Set([own]));
      const filters = res.filter((r) => r.Type === 'AWS::Logs::MetricFilter');
      expect(filters.length).toBeGreaterThan(0);
      for (const f of filters)
        for (const t of f.Properties?.MetricTransformations as { MetricNamespace: string }[])
          expect(t.MetricNamespace).toBe(own);
      // Every alarm on a metric outside AWS's own namespaces reads this stage's namespace.
      const custom = res
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .flatMap((r) => {
          const p = r.Properties ?? {};
          const metrics =
            (p.Metrics as { MetricStat?: { Metric: { Namespace: string } } }[] | undefined) ?? [];
          return [p.Namespace, ...metrics.map((m) => m.MetricStat?.Metric.Namespace)];
        })
        .filter((ns): ns is string => typeof ns === 'string' && !ns.startsWith('AWS/'));
      expect(custom.length).toBeGreaterThanOrEqual(4);
      expect(new Set(custom)).toEqual(new Set([own]));
      const body = JSON.stringify(template.toJSON().Resources);
      expect(body).not.toMatch(/"Rapport","(MessagesSent|GoalReached|StageEntered)"/);
    }
  });

  it('are env-agnostic when their stage names no account or region', () => {
    for (const { stack } of [dev, prod])
      expect([Token.isUnresolved(stack.account), Token.isUnresolved(stack.region)]).toEqual([true, true]);
  });

  it('protect prod from termination, not dev', () => {
    expect([dev.stack.terminationProtection, prod.stack.terminationProtection]).toEqual([false, true]);
  });

  it('retain every dead-letter queue (what it holds outlives the stack), not the work queues', () => {
    const queues = Object.entries(dev.template.toJSON().Resources as Record<string, Record<string, unknown>>)
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
      .map(([id, r]) => [id, r.DeletionPolicy]);
    const deadLetters = queues.filter(([id]) => /DeadLetters/.test(String(id)));
    expect(deadLetters).toHaveLength(6);
    expect(deadLetters.every(([, policy]) => policy === 'Retain')).toBe(true);
    expect(queues.filter(([id]) => !/DeadLetters/.test(String(id))).map(([, p]) => p)).toEqual([
      'Delete',
      'Delete',
      'Delete',
    ]);
  });

  it('output the dashboard URL and every dead-letter queue', () => {
    const out = outputs(prod.template);
    expect(cfnText(out.DashboardUrl!.Value)).toBe(
      'https://{AWS::Region}.console.aws.amazon.com/cloudwatch/home?region={AWS::Region}#dashboards:name=prod-Rapport',
    );
    const queueRefs = Object.entries(resources(prod.template))
      .filter(([id, r]) => r.Type === 'AWS::SQS::Queue' && /DeadLetters/.test(id))
      .map(([id]) => id)
      .sort();
    const outputRefs = Object.entries(out)
      .filter(([id]) => id.endsWith('DeadLetterQueueUrl'))
      .map(([, o]) => (o.Value as { Ref: string }).Ref)
      .sort();
    expect(outputRefs).toEqual(queueRefs);
  });

  it('let End User Messaging publish inbound SMS of this account only', () => {
    const topics = Object.entries(resources(dev.template)).filter(([, r]) => r.Type === 'AWS::SNS::Topic');
    const inbound = topics.find(([, r]) => String(r.Properties.DisplayName).includes('inbound SMS'))![0];
    const statements = Object.values(resources(dev.template))
      .filter((r) => r.Type === 'AWS::SNS::TopicPolicy')
      .filter((p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([{ Ref: inbound }]))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
      .filter((s) => s.Effect === 'Allow');
    expect(statements).toEqual([
      {
        Sid: 'EndUserMessagingPublishes',
        Effect: 'Allow',
        Principal: { Service: 'sms-voice.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: inbound },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': expect.anything() as unknown },
        },
      },
    ]);
    const condition = statements[0]!.Condition as { ArnLike: Record<string, unknown> };
    expect(cfnText(condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:{AWS::Partition}:sms-voice:{AWS::Region}:{AWS::AccountId}:*',
    );
  });
});
