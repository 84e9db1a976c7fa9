import { Template } from 'aws-cdk-lib/assertions';
import { DEAD_LETTER_QUEUES, deadLetterQueueName } from '../../cli/redrive';
import { DEFAULT_SCALE, sendConcurrency, type Scale } from '../../domain/config/scale';
import { FUNCTIONS } from '../../functions/routes';
import { buildApp } from '../../infra/build-app';
import { cfnText, FAST_SYNTH, logicalIdOf, resourcesOf } from './support';

// Scale settings other than the defaults, so that each figure is seen to come from them.
const SCALE: Partial<Scale> = {
  ingestConcurrency: 120,
  startConcurrency: 6,
  sweepConcurrency: 30,
  emailsPerSecond: 50,
};
const { stack } = buildApp({
  nag: false,
  appProps: { ...FAST_SYNTH, context: { ...FAST_SYNTH.context, scale: SCALE, sweepEvery: 30 } },
});
const template = Template.fromStack(stack);
const scale = { ...DEFAULT_SCALE, ...SCALE };
type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = template.toJSON().Resources as Record<string, Resource>;

const fnId = (name: string) =>
  logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Rapport ${name}` });
const fnProps = (name: string) => resources[fnId(name)]!.Properties;
const queueId = (name: string) => logicalIdOf(template, 'AWS::SQS::Queue', { QueueName: name });
type Statement = { Action: string | string[]; Resource: unknown };
const statementsOf = (name: string): Statement[] => {
  const role = (fnProps(name).Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
};
/** The queues (logical ids) a function may do `action` on. */
const queuesFor = (name: string, action: string) =>
  statementsOf(name)
    .filter((s) => [s.Action].flat().includes(action))
    .flatMap((s) => [s.Resource].flat().map(cfnText))
    .map((r) => /^\{GetAtt:(\w+)\.Arn\}$/.exec(r)?.[1] ?? r)
    .sort();

const env = (name: string) => (fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
/** The queue a function's failed asynchronous invocations go to. */
const dlqOf = (name: string) =>
  (fnProps(name).DeadLetterConfig as { TargetArn: { 'Fn::GetAtt': string[] } }).TargetArn['Fn::GetAtt'][0]!;

/** Each work queue, its consumer, and what the consumer's event source mapping should say. */
const WORK = [
  { name: 'ingest', consumer: 'ingest-event', batchSize: 10, maxConcurrency: scale.ingestConcurrency },
  { name: 'starts', consumer: 'start-journey', batchSize: 10, maxConcurrency: scale.startConcurrency },
  // One message is up to 100 customers already.
  { name: 'sweep', consumer: 'sweep-worker', batchSize: 1, maxConcurrency: scale.sweepConcurrency },
] as const;

describe('work queues', () => {
  it.each(WORK)(
    'rapport-$name: encrypted, TLS only, its DLQ rapport-$name-dlq, visible again after 6x its consumer timeout',
    ({ name, consumer }) => {
      const id = queueId(`rapport-${name}`);
      const dlq = queueId(`rapport-${name}-dlq`);
      const props = resources[id]!.Properties;
      expect(props).toMatchObject({
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
      });
      const receives = (props.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount;
      expect(receives).toBeGreaterThanOrEqual(5);
      expect(resources[dlq]!.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 86_400,
      });
      expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (fnProps(consumer).Timeout as number));
      for (const queue of [id, dlq]) {
        const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy')).filter((p) =>
          (p.Properties.Queues as { Ref: string }[]).some((q) => q.Ref === queue),
        );
        const statements = policies.flatMap(
          (p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
        );
        expect({
          queue,
          tlsOnly: statements.some(
            (s) =>
              s.Effect === 'Deny' &&
              JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
          ),
        }).toEqual({ queue, tlsOnly: true });
      }
    },
  );

  it('are the ones `npx rapport redrive <queue>` looks up, each DLQ with its source queue', () => {
    for (const name of DEAD_LETTER_QUEUES) {
      const dlq = queueId(deadLetterQueueName(name));
      const source = resources[queueId(`rapport-${name}`)]!.Properties.RedrivePolicy;
      expect({ name, source }).toEqual({
        name,
        source: expect.objectContaining({ deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } }),
      });
    }
  });

  it('are in the outputs by URL, with their dead-letter queues', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const url = (id: string) => ({ Ref: id });
    expect({
      ingest: outputs.IngestQueueUrl?.Value,
      ingestDlq: outputs.IngestDeadLetterQueueUrl?.Value,
      starts: outputs.StartQueueUrl?.Value,
      startsDlq: outputs.StartDeadLetterQueueUrl?.Value,
      sweep: outputs.SweepQueueUrl?.Value,
      sweepDlq: outputs.SweepDeadLetterQueueUrl?.Value,
    }).toEqual({
      ingest: url(queueId('rapport-ingest')),
      ingestDlq: url(queueId('rapport-ingest-dlq')),
      starts: url(queueId('rapport-starts')),
      startsDlq: url(queueId('rapport-starts-dlq')),
      sweep: url(queueId('rapport-sweep')),
      sweepDlq: url(queueId('rapport-sweep-dlq')),
    });
  });
});

describe('event source mappings', () => {
  const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).map(
    (m) => m.Properties,
  );

  it('one per work queue, to its consumer: batch item failures reported, maximum concurrency from the scale settings', () => {
    expect(mappings).toHaveLength(WORK.length);
    for (const { name, consumer, batchSize, maxConcurrency } of WORK) {
      const mapping = mappings.filter(
        (m) => cfnText(m.EventSourceArn) === `{GetAtt:${queueId(`rapport-${name}`)}.Arn}`,
      );
      expect({ name, mapping }).toEqual({
        name,
        mapping: [
          expect.objectContaining({
            FunctionName: { Ref: fnId(consumer) },
            BatchSize: batchSize,
            FunctionResponseTypes: ['ReportBatchItemFailures'],
            ScalingConfig: { MaximumConcurrency: maxConcurrency },
          }),
        ],
      });
    }
  });

  it('each consumer receives from its own queue only', () => {
    const receivers = Object.fromEntries(FUNCTIONS.map((f) => [f, queuesFor(f, 'sqs:ReceiveMessage')]));
    expect(receivers).toEqual({
      ...Object.fromEntries(FUNCTIONS.map((f) => [f, []])),
      'ingest-event': [queueId('rapport-ingest')],
      'start-journey': [queueId('rapport-starts')],
      'sweep-worker': [queueId('rapport-sweep')],
    });
  });
});

describe('who sends to which queue', () => {
  it('accept-event to ingest; every function that decides a start to the start queue; the coordinator to the sweep queue', () => {
    const starts = queueId('rapport-starts');
    const senders = Object.fromEntries(FUNCTIONS.map((f) => [f, queuesFor(f, 'sqs:SendMessage')]));
    expect(senders).toEqual({
      ...Object.fromEntries(FUNCTIONS.map((f) => [f, []])),
      'accept-event': [queueId('rapport-ingest')],
      'ingest-event': [starts],
      feedback: [starts],
      // And the dead-letter queues of the two functions still invoked asynchronously (Lambda's DLQ).
      sweep: [starts, queueId('rapport-sweep'), dlqOf('sweep')].sort(),
      'sweep-worker': [starts],
      'delivery-events': [dlqOf('delivery-events')],
    });
  });

  it('each sender finds its queue by URL in its environment', () => {
    const url = (queue: string) => ({ Ref: queueId(queue) });
    expect(env('accept-event').INGEST_QUEUE_URL).toEqual(url('rapport-ingest'));
    for (const name of ['ingest-event', 'feedback', 'sweep', 'sweep-worker'])
      expect({ name, url: env(name).START_QUEUE_URL }).toEqual({ name, url: url('rapport-starts') });
    expect(env('sweep').SWEEP_QUEUE_URL).toEqual(url('rapport-sweep'));
  });

  it('the functions that compute due times know the sweep interval (occasions spread over whole sweeps)', () => {
    for (const name of ['ingest-event', 'feedback', 'sweep', 'sweep-worker'])
      expect({ name, every: env(name).SWEEP_EVERY_MINUTES }).toEqual({ name, every: '30' });
  });

  it('the bus rule may send to the ingest queue, from that rule only', () => {
    const ruleId = Object.entries(resourcesOf(template, 'AWS::Events::Rule')).find(
      ([, r]) => r.Properties.EventBusName !== undefined,
    )![0];
    expect(allowedOn(queueId('rapport-ingest'))).toEqual([sendFromRule(ruleId)]);
  });
});

/** The Allow statements of the queue policies on one queue. */
const allowedOn = (queue: string) =>
  Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'))
    .filter((p) => (p.Properties.Queues as { Ref: string }[]).some((q) => q.Ref === queue))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
    .filter((s) => s.Effect === 'Allow');

/** EventBridge may send to the queue, from this one rule only. */
const sendFromRule = (ruleId: string): unknown =>
  expect.objectContaining({
    Principal: { Service: 'events.amazonaws.com' },
    Action: expect.arrayContaining(['sqs:SendMessage']),
    Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
  });

describe('execution ends', () => {
  const rules = resourcesOf(template, 'AWS::Events::Rule');
  const [ruleId, rule] = Object.entries(rules).find(([, r]) =>
    JSON.stringify(r.Properties.EventPattern).includes('aws.states'),
  )!;
  const sweep = queueId('rapport-sweep');

  it("a rule on the default bus sends the journeys' execution ends, and nothing else, to the sweep queue", () => {
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
        stateMachineArn: [{ prefix: expect.anything() }],
      },
    });
    // The journeys' state machines only: the ARN prefix the functions find them by, then `rapport-`.
    const prefix = (rule.Properties.EventPattern as { detail: { stateMachineArn: { prefix: unknown }[] } })
      .detail.stateMachineArn[0]!.prefix;
    expect(cfnText(prefix)).toBe(`${cfnText(env('sweep-worker').STATE_MACHINE_ARN_PREFIX)}rapport-`);
  });

  it('retries, then keeps what it could not queue in the sweep dead-letter queue', () => {
    const [target] = rule.Properties.Targets as Record<string, unknown>[];
    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': [sweep, 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqOf('sweep'), 'Arn'] } },
    });
  });

  it('may send to the sweep queue, from that rule only; the worker may set the end on an entry', () => {
    expect(allowedOn(sweep)).toEqual([sendFromRule(ruleId)]);
    const updates = statementsOf('sweep-worker').filter((s) =>
      [s.Action].flat().includes('dynamodb:UpdateItem'),
    );
    expect(updates).toHaveLength(1);
  });
});

describe('concurrency', () => {
  it('send-message reserves sendConcurrency(scale): the SES rate, not the account, bounds it', () => {
    expect(sendConcurrency(scale)).toBe(20);
    expect(fnProps('send-message').ReservedConcurrentExecutions).toBe(sendConcurrency(scale));
  });

  it('no other function reserves any: the queues bound the consumers, the lease the coordinator', () => {
    const reserved = FUNCTIONS.filter((f) => fnProps(f).ReservedConcurrentExecutions !== undefined);
    expect(reserved).toEqual(['send-message']);
  });
});

describe('dashboard', () => {
  const body = cfnText(
    Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody,
  );

  it('graphs each work queue: messages waiting and the age of the oldest', () => {
    for (const { name } of WORK)
      for (const metric of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage'])
        expect({
          name,
          metric,
          charted: body.includes(
            `"${metric}","QueueName","{GetAtt:${queueId(`rapport-${name}`)}.QueueName}"`,
          ),
        }).toEqual({
          name,
          metric,
          charted: true,
        });
  });

  it('alarms on each work queue dead-letter queue as on the others', () => {
    const alarmed = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))
      .filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => cfnText((a.Properties.Dimensions as { Value: unknown }[])[0]!.Value));
    for (const { name } of WORK)
      expect(alarmed).toContain(`{GetAtt:${queueId(`rapport-${name}-dlq`)}.QueueName}`);
  });
});
