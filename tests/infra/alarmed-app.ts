import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_ALARM_SETTINGS } from '../../infra/alarm-settings';
import { buildApp } from '../../infra/build-app';
import { FAST_SYNTH, logicalIdOf, resourcesOf } from './support';

/*
 * The app the alarms*.test.ts files assert on, and their lookups into its alarms. The synth runs when this
 * module is first imported: once per test file (jest gives each its own module registry), seconds each.
 */

// One synth for the file, through the app (context as `cdk synth -c ...` gives it), one threshold changed.
export const EMAILS = ['oncall@example.org', 'ops@example.org'];
export const build = (context: Record<string, unknown>) =>
  buildApp({ nag: false, appProps: { ...FAST_SYNTH, context: { ...FAST_SYNTH.context, ...context } } });
const app = build({
  alarmEmails: EMAILS.join(','),
  alarms: '{"apiLatencyP99Ms":1500,"smsSpendLimitUsd":50}',
});
export const { workflows } = app;
export const template = Template.fromStack(app.stack);
export const settings = { ...DEFAULT_ALARM_SETTINGS, apiLatencyP99Ms: 1500, smsSpendLimitUsd: 50 };

export type Props = Record<string, unknown>;
export const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
export const alarmNamed = (name: string): Props => {
  const found = alarms.filter((a) => a.AlarmName === name);
  if (found.length !== 1) throw new Error(`expected one alarm ${name}; found ${found.length}`);
  return found[0]!;
};
export const topicId = logicalIdOf(template, 'AWS::SNS::Topic', { DisplayName: 'Rapport alarms' });
export const ref = (id: string) => ({ Ref: id });
export const fnRef = (name: string) =>
  ref(logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Rapport ${name}` }));
export const tableRef = ref(logicalIdOf(template, 'AWS::DynamoDB::Table', {}));
export const apiRef = ref(logicalIdOf(template, 'AWS::ApiGatewayV2::Api', {}));

export interface Query {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: unknown[] }; Stat: string };
}
/** A math alarm's expression and its metrics, by id, as `Namespace MetricName Stat`. */
export function mathOf(alarm: Props): {
  expression: string;
  metrics: Record<string, string>;
  dims: unknown[][];
} {
  const queries = alarm.Metrics as Query[];
  const expression = queries.find((q) => q.Expression)?.Expression ?? '';
  const stats = queries.filter((q) => q.MetricStat);
  return {
    expression,
    metrics: Object.fromEntries(
      stats.map((q) => {
        const m = q.MetricStat!;
        return [q.Id, `${m.Metric.Namespace} ${m.Metric.MetricName} ${m.Stat}`];
      }),
    ),
    dims: stats.map((q) => q.MetricStat!.Metric.Dimensions ?? []),
  };
}
