import { basename } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PUT_EVENTS_RESOURCE, SUBSTITUTIONS, TASK_EVENT } from '../../domain/journey/compile';
import { stateMachineArns, stateMachineName } from '../../domain/journey/state-machine-name';
import { JourneyStateMachine, taskResources } from '../../infra/journey-state-machine';
import { NAMES, TASK_EVENT_PATTERN } from '../../infra/rapport-stack';
import { METRIC } from '../../functions/shared/observability';
import {
  ALL,
  BRANCHING,
  PLAIN,
  TASKING,
  aslOf,
  busId,
  files,
  fixture,
  fnArn,
  local,
  machineOf,
  placeholdersIn,
  roleStatementsOf,
  taskState,
  template,
} from './journey-fixture';
import { arnMatches, cfnText, fastApp, logicalIdOf, patternMatches, resourcesOf } from './support';

afterAll(() => fixture.cleanup());

describe('a workflows directory with three journeys', () => {
  it('is the fixture it claims to be: send-message (and journey-step to record a failed send), journey-step to decide, a task step on the bus', () => {
    expect(files).toHaveLength(3);
    expect(local.journeys.map((j) => j.journey.id).sort()).toEqual(
      files.map((f) => basename(f, '.yaml')).sort(),
    );
    expect(placeholdersIn(aslOf(PLAIN))).toEqual(
      [SUBSTITUTIONS.sendMessage, SUBSTITUTIONS.journeyStep].sort(),
    );
    expect(placeholdersIn(aslOf(BRANCHING))).toEqual(
      [SUBSTITUTIONS.sendMessage, SUBSTITUTIONS.journeyStep].sort(),
    );
    // The branch decides in a Task on the journey-step function.
    const states = (JSON.parse(aslOf(BRANCHING)) as { States: Record<string, { Resource?: string }> }).States;
    expect(states['vip-or-not']?.Resource).toBe(`\${${SUBSTITUTIONS.journeyStep}}`);
    // The task publishes one event on the bus named by the EventBusName substitution, through the optimized
    // events:putEvents integration (no Lambda).
    expect(placeholdersIn(aslOf(TASKING))).toEqual([SUBSTITUTIONS.eventBus]);
    expect(taskState().Resource).toBe(PUT_EVENTS_RESOURCE);
    expect(taskState().Parameters?.Entries).toEqual([
      expect.objectContaining({
        EventBusName: `\${${SUBSTITUTIONS.eventBus}}`,
        Source: TASK_EVENT.source,
        DetailType: TASK_EVENT.detailType,
      }),
    ]);
    expect(taskResources(aslOf(TASKING))).toEqual(new Set([PUT_EVENTS_RESOURCE]));
    expect(taskResources(aslOf(PLAIN)).has(PUT_EVENTS_RESOURCE)).toBe(false);
  });

  it('catches a deferred send (to wait) and one that gave up (recorded with journey-step, then the next step)', () => {
    const states = (
      JSON.parse(aslOf(PLAIN)) as {
        States: Record<
          string,
          {
            Resource?: string;
            Catch?: { ErrorEquals: string[]; Next: string }[];
            Next?: string;
            Parameters?: { action?: string };
          }
        >;
      }
    ).States;
    expect(states.hello?.Catch).toEqual([
      // Throttled sends join the deferral too (send pacing).
      expect.objectContaining({
        ErrorEquals: expect.arrayContaining(['SendDeferredError']),
        Next: 'hello-deferred',
      }),
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'hello-failed' }),
    ]);
    expect(states['hello-deferred']).toMatchObject({
      Resource: `\${${SUBSTITUTIONS.journeyStep}}`,
      Parameters: { action: 'deferred' },
      Next: 'hello-quiet-hours',
    });
    expect(states['hello-failed']).toMatchObject({
      Resource: `\${${SUBSTITUTIONS.journeyStep}}`,
      Parameters: { action: 'send-failed' },
      Next: 'pause',
    });
  });

  it('alarms on MessagesFailed, shown on the dashboard', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === METRIC.messagesFailed,
    );
    expect(alarms.map((a) => a.Properties)).toEqual([
      expect.objectContaining({
        Namespace: 'Rapport',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    ]);
    const dashboard = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!;
    expect(cfnText(dashboard.Properties.DashboardBody)).toContain(`"Rapport","${METRIC.messagesFailed}"`);
  });

  it('alarms on MessagesInDoubt (a message that may or may not have gone out), shown on the dashboard', () => {
    const alarms = Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter(
      ([, a]) => a.Properties.MetricName === METRIC.messagesInDoubt,
    );
    expect(alarms.map(([, a]) => a.Properties)).toEqual([
      expect.objectContaining({ Namespace: 'Rapport', Threshold: 1, TreatMissingData: 'notBreaching' }),
    ]);
    const dashboard = cfnText(
      Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody,
    );
    expect(dashboard).toContain(`"Rapport","${METRIC.messagesInDoubt}"`);
    expect(dashboard).toContain(`{GetAtt:${alarms[0]![0]}.Arn}`);
  });

  it('gets one state machine per journey file, named after the journey', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', files.length);
    const names = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine')).map(
      (r) => r.Properties.StateMachineName,
    );
    expect(names.sort()).toEqual(files.map((f) => `rapport-${basename(f, '.yaml')}`).sort());
  });

  it('deploys each journey byte for byte as the local runtime executes it', () => {
    const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
    for (const loaded of local.journeys) {
      const id = logicalIdOf(template, 'AWS::StepFunctions::StateMachine', {
        StateMachineName: `rapport-${loaded.journey.id}`,
      });
      expect(machines[id]!.Properties.DefinitionString === loaded.asl).toBe(true);
    }
    // The definitions differ (id, version), so no test above passes by accident.
    expect(new Set(local.journeys.map((j) => j.asl)).size).toBe(files.length);
  });

  it('lets the functions that decide starts find every one, and start-journey start it', () => {
    // Named by the ARN built from each state machine's fixed name (cfnText), which a state machine has.
    const machineArns = local.journeys.map((j) => {
      const name = stateMachineName(j.journey.id);
      logicalIdOf(template, 'AWS::StepFunctions::StateMachine', { StateMachineName: name });
      return `arn:{AWS::Partition}:states:{AWS::Region}:{AWS::AccountId}:stateMachine:${name}`;
    });
    for (const name of ['ingest-event', 'sweep', 'sweep-worker', 'start-journey']) {
      const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find(
        (f) => f.Properties.Description === `Rapport ${name}`,
      )!;
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      // What the handler builds from its environment (functions/shared/lifecycle-deps.ts).
      const found = stateMachineArns(
        cfnText(env.STATE_MACHINE_ARN_PREFIX),
        local.journeys.map((j) => j.journey.id),
      );
      expect(Object.values(found).sort()).toEqual([...machineArns].sort());
      const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
      const started = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
        .flatMap(
          (p) =>
            (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
              .Statement,
        )
        .filter((st) => [st.Action].flat().includes('states:StartExecution'))
        .flatMap((st) => [st.Resource].flat().map(cfnText));
      // The others queue their starts: only start-journey calls StartExecution.
      for (const arn of machineArns)
        expect({ name, arn, allowed: started.some((r) => arnMatches(r, arn)) }).toEqual({
          name,
          arn,
          allowed: name === 'start-journey',
        });
    }
    const outputs = Object.keys(template.toJSON().Outputs as object).filter((k) =>
      k.startsWith('StateMachineArn'),
    );
    expect(outputs).toHaveLength(files.length);
  });

  it('gives every journey every substitution: the unqualified ARNs of the right functions, the bus name', () => {
    for (const id of ALL) {
      // Exactly these: a journey gets the ones it does not use too (CloudFormation ignores them).
      expect({ id, substitutions: machineOf(id).DefinitionSubstitutions }).toEqual({
        id,
        substitutions: {
          [SUBSTITUTIONS.sendMessage]: fnArn('send-message'),
          [SUBSTITUTIONS.journeyStep]: fnArn('journey-step'),
          // Ref of an AWS::Events::EventBus is its name, what PutEvents' EventBusName takes.
          [SUBSTITUTIONS.eventBus]: { Ref: busId() },
        },
      });
    }
  });

  it('lets only the journey with a task step put events: on the rapport bus only, as rapport.journeys only', () => {
    const putEvents = (id: string) =>
      roleStatementsOf(id).filter((st) => [st.Action].flat().some((a) => String(a).startsWith('events:')));
    expect(putEvents(TASKING)).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        // The bus's ARN, no wildcard; the condition keeps a journey from posing as an event producer.
        Resource: { 'Fn::GetAtt': [busId(), 'Arn'] },
        Condition: { StringEquals: { 'events:source': TASK_EVENT.source } },
      },
    ]);
    for (const id of [PLAIN, BRANCHING]) expect({ id, events: putEvents(id) }).toEqual({ id, events: [] });
  });

  it('never feeds a task event back to ingest: the rule to the ingest queue takes rapport.events only', () => {
    // The event a task step publishes, as the compiled journey writes it.
    const [entry] = taskState().Parameters!.Entries;
    const taskEvent = { source: entry!.Source, 'detail-type': entry!.DetailType, detail: entry!.Detail };
    const producerEvent = { source: NAMES.eventSource, 'detail-type': 'purchase', detail: {} };
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).map((r) => r.Properties);
    const ingestQueue = logicalIdOf(template, 'AWS::SQS::Queue', { QueueName: 'rapport-ingest' });
    const toIngest = rules.filter((r) =>
      (r.Targets as { Arn: unknown }[]).some((t) => cfnText(t.Arn) === `{GetAtt:${ingestQueue}.Arn}`),
    );
    expect(toIngest).toHaveLength(1);
    for (const rule of toIngest) {
      expect(rule.EventBusName).toEqual({ Ref: busId() });
      const pattern = rule.EventPattern as Record<string, unknown>;
      expect(patternMatches(pattern, producerEvent)).toBe(true);
      expect(patternMatches(pattern, taskEvent)).toBe(false);
    }
    // And the pattern operators are told to route tasks with takes them, and only them.
    expect(patternMatches(TASK_EVENT_PATTERN, taskEvent)).toBe(true);
    expect(patternMatches(TASK_EVENT_PATTERN, producerEvent)).toBe(false);
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.parse(outputs.TaskEventPattern!.Value as string)).toEqual(TASK_EVENT_PATTERN);
  });

  it('lets each state machine invoke send-message and journey-step, by unqualified ARN, and no other function', () => {
    for (const id of ALL) {
      const lambda = roleStatementsOf(id).filter((st) =>
        [st.Action].flat().some((a) => String(a).startsWith('lambda:')),
      );
      expect(lambda.flatMap((st) => [st.Action].flat())).toEqual(['lambda:InvokeFunction']);
      const invoked = lambda.flatMap((st) => [st.Resource].flat().map(cfnText));
      expect({ id, invoked: invoked.sort() }).toEqual({
        id,
        invoked: [cfnText(fnArn('send-message')), cfnText(fnArn('journey-step'))].sort(),
      });
    }
  });

  it('refuses a journey whose ASL names a placeholder infra does not fill', () => {
    const scope = new Stack(fastApp(), 'Placeholders');
    const fn = (name: string) =>
      LambdaFunction.fromFunctionArn(scope, name, `arn:aws:lambda:eu-west-1:123456789012:function:${name}`);
    const loaded = local.journeys.find((j) => j.journey.id === PLAIN)!;
    const unknown = { ...loaded, asl: loaded.asl.replace('"Wait 1d"', '"${NotProvided}"') };
    expect(unknown.asl).not.toBe(loaded.asl);
    expect(
      () =>
        new JourneyStateMachine(scope, 'Unknown', {
          loaded: unknown,
          sendMessage: fn('send'),
          journeyStep: fn('step'),
          eventBus: EventBus.fromEventBusName(scope, 'Bus', 'rapport'),
          logRetention: RetentionDays.ONE_DAY,
        }),
    ).toThrow(/uses \$\{NotProvided\}, which infra\/ does not provide/);
  });

  it('uses context settings: the bare sender address and its domain for SES, and the public base URL for links', () => {
    const send = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find(
      (f) => f.Properties.Description === 'Rapport send-message',
    )!;
    expect((send.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      SENDER_ADDRESS: 'Rapport Demo Store <hello@mail.example.org>',
      PUBLIC_BASE_URL: 'https://go.example.org/rapport',
    });
    const resources = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
      )
      .filter((s) => s.Action === 'ses:SendRawEmail')
      .flatMap((s) => [s.Resource].flat().map(cfnText));
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:identity\/hello@mail\.example\.org$/),
        expect.stringMatching(/:identity\/mail\.example\.org$/),
      ]),
    );
  });
});

describe('taskResources', () => {
  it('finds the Task resources of a definition, inside Parallel and Map states too, and nothing else', () => {
    const task = (resource: string) => ({ Type: 'Task', Resource: resource, End: true });
    const asl = JSON.stringify({
      StartAt: 'a',
      States: {
        a: { ...task('top'), End: undefined, Next: 'b' },
        b: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'p', States: { p: task('in-parallel') } }],
          Next: 'c',
        },
        c: { Type: 'Map', ItemProcessor: { StartAt: 'm', States: { m: task('in-map') } }, Next: 'd' },
        d: { Type: 'Map', Iterator: { StartAt: 'i', States: { i: task('in-iterator') } }, Next: 'e' },
        // A Task's Parameters are data, even when they look like a state.
        e: { ...task('last'), Parameters: { Type: 'Task', Resource: 'not-a-state' } },
      },
    });
    expect([...taskResources(asl)].sort()).toEqual(
      ['in-iterator', 'in-map', 'in-parallel', 'last', 'top'].sort(),
    );
  });
});
