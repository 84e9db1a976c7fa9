import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Alarm, Dashboard, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SKIP_REASONS } from '../../domain/ports';
import { FUNCTIONS } from '../../functions/routes';
import { buildApp } from '../../infra/build-app';
import { StackAlarmsWidget } from '../../infra/dashboard-health';
import { cfnText, FAST_SYNTH, fastApp, logicalIdOf, resourcesOf } from './support';

// One synth for the file: the shipped workflows, as `cdk synth` builds them.
const { stack, workflows } = buildApp({ nag: false, appProps: FAST_SYNTH });
const template = Template.fromStack(stack);

interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  properties: { title?: string; alarms?: string[]; metrics?: unknown[][] };
}
/** A graphed metric: namespace, name, dimensions and its options (stat, label, id, expression). */
interface Charted {
  namespace?: string;
  name?: string;
  dims: Record<string, string>;
  opts: Record<string, unknown>;
}

function bodyOf(t: Template): Widget[] {
  const [dashboard] = Object.values(resourcesOf(t, 'AWS::CloudWatch::Dashboard'));
  return (JSON.parse(cfnText(dashboard!.Properties.DashboardBody)) as { widgets: Widget[] }).widgets;
}
const widgets = bodyOf(template);

/** The metrics of a widget, each as namespace, name, dimensions (as an object: order aside) and options. */
function chartedIn(w: Widget | undefined): Charted[] {
  return (w?.properties.metrics ?? []).map((row) => {
    const last = row[row.length - 1];
    const opts = typeof last === 'object' && last !== null ? (last as Record<string, unknown>) : {};
    const plain = row.filter((v): v is string => typeof v === 'string');
    const [namespace, name, ...pairs] = plain;
    const dims: Record<string, string> = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) dims[pairs[i]!] = pairs[i + 1]!;
    return { namespace, name, dims, opts };
  });
}
const titled = (title: string): Widget => {
  const found = widgets.filter((w) => w.properties.title === title);
  if (found.length !== 1) throw new Error(`expected one widget "${title}"; found ${found.length}`);
  return found[0]!;
};
/** The metric `namespace name` with exactly these dimensions, in a widget (or undefined). */
const find = (w: Widget, namespace: string, name: string, dims: Record<string, string>) =>
  chartedIn(w).find(
    (m) =>
      m.namespace === namespace &&
      m.name === name &&
      JSON.stringify(sorted(m.dims)) === JSON.stringify(sorted(dims)),
  );
const sorted = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

const ref = (type: string, props: Record<string, unknown>) => `{Ref:${logicalIdOf(template, type, props)}}`;
const machineRef = (journeyId: string) =>
  ref('AWS::StepFunctions::StateMachine', { StateMachineName: `rapport-${journeyId}` });
const fnRef = (name: string) => ref('AWS::Lambda::Function', { Description: `Rapport ${name}` });
const service = { service: 'rapport' };
const journeyIds = workflows.journeys.map((j) => j.journey.id);

describe('top row: alarm status', () => {
  it('is the first row below the title, full width, and lists every alarm of the stack', () => {
    const top = widgets.filter((w) => w.type !== 'text').sort((a, b) => a.y - b.y || a.x - b.x)[0]!;
    expect(top).toMatchObject({ type: 'alarm', x: 0, width: 24 });
    const everyAlarm = Object.keys(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(
      (id) => `{GetAtt:${id}.Arn}`,
    );
    expect(everyAlarm.length).toBeGreaterThan(50);
    expect([...top.properties.alarms!].sort()).toEqual(everyAlarm.sort());
  });

  it('splits more than 100 alarms over widgets side by side (CloudWatch shows 100 in one)', () => {
    const s = new Stack(fastApp(), 'Many');
    const metric = new Metric({ namespace: 'Test', metricName: 'M' });
    for (let i = 0; i < 150; i++) new Alarm(s, `A${i}`, { metric, threshold: 1, evaluationPeriods: 1 });
    new Dashboard(s, 'D', { widgets: [[new StackAlarmsWidget(s)]] });
    const parts = bodyOf(Template.fromStack(s)).filter((w) => w.type === 'alarm');
    expect(parts.map((w) => [w.x, w.width, w.properties.alarms!.length])).toEqual([
      [0, 12, 100],
      [12, 12, 50],
    ]);
  });
});

describe('per journey: executions, p99 duration, messages', () => {
  it('each journey: started, goal reached, failed, timed out (and succeeded, aborted), and its p99 duration', () => {
    for (const id of journeyIds) {
      const w = titled(`Journey ${id}: executions`);
      const arn = { StateMachineArn: machineRef(id) };
      for (const m of [
        'ExecutionsStarted',
        'ExecutionsFailed',
        'ExecutionsTimedOut',
        'ExecutionsSucceeded',
        'ExecutionsAborted',
      ])
        expect({ id, m, charted: find(w, 'AWS/States', m, arn)?.opts.stat }).toEqual({
          id,
          m,
          charted: 'Sum',
        });
      expect(find(w, 'Rapport', 'GoalReached', { ...service, journey: id })).toBeDefined();
      const p99 = titled(`Journey ${id}: p99 duration (ms)`);
      expect(find(p99, 'AWS/States', 'ExecutionTime', arn)?.opts.stat).toBe('p99');
    }
  });

  it('messages sent (per channel used), failed and in doubt (per step channel), skipped per reason and channel', () => {
    // Known from the shipped YAML: service-recovery sends on `preferred` and `email`; birthday-greeting on email.
    const expected: Record<string, { sent: string[]; steps: string[] }> = {
      'service-recovery': { sent: ['email', 'sms'], steps: ['email', 'preferred'] },
      'dormancy-reactivation': { sent: ['email', 'sms'], steps: ['email', 'preferred'] },
      'birthday-greeting': { sent: ['email'], steps: ['email'] },
    };
    for (const [id, { sent, steps }] of Object.entries(expected)) {
      const messages = titled(`Journey ${id}: messages per channel`);
      const dims = (channel: string) => ({ ...service, journey: id, channel });
      const names = (w: Widget) =>
        chartedIn(w)
          .map((m) => `${m.name} ${m.dims.channel}`)
          .sort();
      expect(names(messages)).toEqual(
        [
          ...sent.map((c) => `MessagesSent ${c}`),
          ...steps.flatMap((c) => [`MessagesFailed ${c}`, `MessagesInDoubt ${c}`]),
        ].sort(),
      );
      for (const c of sent) expect(find(messages, 'Rapport', 'MessagesSent', dims(c))).toBeDefined();
      const skipped = titled(`Journey ${id}: skipped, by reason and channel`);
      for (const c of steps)
        for (const reason of SKIP_REASONS)
          expect({
            id,
            c,
            reason,
            charted: !!find(skipped, 'Rapport', 'MessagesSkipped', { ...dims(c), reason }),
          }).toEqual({ id, c, reason, charted: true });
    }
  });
});

describe('customers per stage and tier', () => {
  it('entries, exits and the net change of every stage and tier of the lifecycle', () => {
    for (const [Kind, kind, ids] of [
      ['Stage', 'stage', workflows.lifecycle.stages.map((s) => s.id)],
      ['Tier', 'tier', workflows.lifecycle.tiers.map((t) => t.id)],
    ] as const) {
      const entries = titled(`${Kind} entries`);
      const exits = titled(`${Kind} exits`);
      const net = titled(`${Kind} net change (entries − exits)`);
      for (const id of ids) {
        expect(find(entries, 'Rapport', `${Kind}Entered`, { ...service, [kind]: id })).toBeDefined();
        expect(find(exits, 'Rapport', `${Kind}Left`, { ...service, [kind]: id })).toBeDefined();
        const inId = find(net, 'Rapport', `${Kind}Entered`, { ...service, [kind]: id })?.opts.id;
        const outId = find(net, 'Rapport', `${Kind}Left`, { ...service, [kind]: id })?.opts.id;
        const expression = chartedIn(net).find((m) => m.opts.label === id && m.opts.expression)?.opts
          .expression;
        expect(expression).toBe(`FILL(${String(inId)}, 0) - FILL(${String(outId)}, 0)`);
      }
    }
    expect(workflows.lifecycle.stages.length).toBeGreaterThan(3);
  });
});

describe('SES and SMS', () => {
  const configSet = ref('AWS::SES::ConfigurationSet', { Name: 'rapport' });
  const trackedSet = ref('AWS::SES::ConfigurationSet', { Name: 'rapport-tracked' });

  it('SES sends, deliveries, bounces, complaints, rejects, rendering failures and delays per journey, and reputation', () => {
    for (const event of [
      'Send',
      'Delivery',
      'Bounce',
      'Complaint',
      'Reject',
      'RenderingFailure',
      'DeliveryDelay',
    ]) {
      const w = titled(`Email ${event} per journey (SES)`);
      for (const id of journeyIds)
        for (const set of [configSet, trackedSet])
          expect({
            event,
            id,
            charted: !!find(w, 'AWS/SES', event, { 'ses:configuration-set': set, journey: id }),
          }).toEqual({ event, id, charted: true });
    }
    for (const event of ['Open', 'Click']) {
      const w = titled(`Email ${event} per journey (SES, tracked email)`);
      for (const id of journeyIds)
        expect(find(w, 'AWS/SES', event, { 'ses:configuration-set': trackedSet, journey: id })).toBeDefined();
    }
    const reputation = titled('SES reputation (account)');
    expect(find(reputation, 'AWS/SES', 'Reputation.BounceRate', {})?.opts.stat).toBe('Maximum');
    expect(find(reputation, 'AWS/SES', 'Reputation.ComplaintRate', {})?.opts.stat).toBe('Maximum');
  });

  it('SMS deliveries and failures per journey that texts, and the account’s parts and spend', () => {
    const texting = ['dormancy-reactivation', 'service-recovery', 'win-back'];
    const delivered = titled('SMS delivered per journey (events)');
    const failed = titled('SMS failed per journey (events)');
    expect(chartedIn(delivered).map((m) => m.dims.journey)).toEqual(texting);
    for (const id of texting) {
      expect(find(delivered, 'Rapport', 'SmsDelivered', { journey: id })).toBeDefined();
      expect(find(failed, 'Rapport', 'SmsFailed', { journey: id })).toBeDefined();
    }
    const account = titled('SMS parts and spend (account, AWS/SMSVoice)');
    for (const m of [
      'NumberOfTextMessagePartsSent',
      'NumberOfTextMessagePartsDelivered',
      'TextMessageMonthlySpend',
    ])
      expect(find(account, 'AWS/SMSVoice', m, {})).toBeDefined();
  });
});

describe('functions, API, queues', () => {
  it('Lambda duration p99 and concurrent executions of every function', () => {
    const duration = titled('Lambda duration p99 (ms)');
    const concurrency = titled('Lambda concurrent executions (max)');
    for (const name of FUNCTIONS) {
      const fn = { FunctionName: fnRef(name) };
      expect({ name, stat: find(duration, 'AWS/Lambda', 'Duration', fn)?.opts.stat }).toEqual({
        name,
        stat: 'p99',
      });
      expect({ name, stat: find(concurrency, 'AWS/Lambda', 'ConcurrentExecutions', fn)?.opts.stat }).toEqual({
        name,
        stat: 'Maximum',
      });
    }
  });

  it('API requests, 4xx and 5xx, latency p50 and p99', () => {
    const api = { ApiId: ref('AWS::ApiGatewayV2::Api', {}) };
    expect(find(titled('API requests'), 'AWS/ApiGateway', 'Count', api)?.opts.stat).toBe('Sum');
    const errors = titled('API 4xx and 5xx');
    expect(find(errors, 'AWS/ApiGateway', '4xx', api)).toBeDefined();
    expect(find(errors, 'AWS/ApiGateway', '5xx', api)).toBeDefined();
    const latency = chartedIn(titled('API latency (ms)')).filter((m) => m.name === 'Latency');
    expect(latency.map((m) => m.opts.stat)).toEqual(['p50', 'p99']);
  });

  it('queue depths: the work queues and the dead-letter queues', () => {
    const depths = widgets.flatMap(chartedIn).filter((m) => m.name === 'ApproximateNumberOfMessagesVisible');
    const queues = Object.values(resourcesOf(template, 'AWS::SQS::Queue'));
    expect(new Set(depths.map((m) => m.dims.QueueName)).size).toBe(queues.length);
  });
});
