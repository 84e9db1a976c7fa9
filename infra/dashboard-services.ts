import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { GraphWidget, Metric, type IMetric, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { FunctionName } from '../functions/routes';
import {
  SES_EVENT_METRICS,
  SMS_METRIC,
  sesJourneyMetric,
  smsJourneyMetric,
  type SesEventMetric,
} from './delivery-metrics';
import type { HandlerFunction } from './handler-function';

const PERIOD = Duration.minutes(5);
const HOUR = Duration.hours(1);
const HEIGHT = 6;

const graph = (
  title: string,
  left: IMetric[],
  width: number,
  extra: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {},
) => new GraphWidget({ title, left, width, height: HEIGHT, period: PERIOD, ...extra });

/**
 * Email per journey, as SES saw it (the configuration sets' CloudWatch event destinations): one graph per
 * event type, a line per journey and configuration set (untracked, tracked); opens and clicks (tracked
 * email only); then the account's reputation rates against the levels SES acts on.
 */
export function emailRows(
  sets: { untracked: string; tracked: string },
  journeyIds: readonly string[],
): IWidget[][] {
  const lines = (metricName: SesEventMetric | 'Open' | 'Click', names: string[]) =>
    journeyIds.flatMap((id) =>
      names.map((set) =>
        sesJourneyMetric(metricName, set, id).with({ label: set === sets.tracked ? `${id} (tracked)` : id }),
      ),
    );
  const perEvent = [
    ...SES_EVENT_METRICS.map(([metricName]) =>
      graph(`Email ${metricName} per journey (SES)`, lines(metricName, [sets.untracked, sets.tracked]), 6, {
        statistic: 'Sum',
      }),
    ),
    ...(['Open', 'Click'] as const).map((metricName) =>
      graph(`Email ${metricName} per journey (SES, tracked email)`, lines(metricName, [sets.tracked]), 6, {
        statistic: 'Sum',
      }),
    ),
  ];
  const reputation = (metricName: string, label: string) =>
    new Metric({
      namespace: 'AWS/SES',
      metricName,
      statistic: 'Maximum',
      period: Duration.minutes(15),
      label,
    });
  const rates = graph(
    'SES reputation (account)',
    [
      reputation('Reputation.BounceRate', 'bounce rate'),
      reputation('Reputation.ComplaintRate', 'complaint rate'),
    ],
    6,
    {
      // Where SES reviews an account, and where it may pause its sending.
      leftAnnotations: [
        { value: 0.05, label: 'bounces: review' },
        { value: 0.001, label: 'complaints: review' },
      ],
    },
  );
  const widgets = [...perEvent, rates];
  const rows: IWidget[][] = [];
  for (let i = 0; i < widgets.length; i += 4) rows.push(widgets.slice(i, i + 4));
  return rows;
}

/**
 * Text messages: final deliveries and failures per journey (the SMS event log's metric filters), and the
 * account's own AWS/SMSVoice metrics (parts sent and delivered, spend this month).
 */
export function smsRow(namespace: string, smsJourneyIds: readonly string[]): IWidget[] {
  const sms = (metricName: string, statistic: string, label: string) =>
    new Metric({ namespace: 'AWS/SMSVoice', metricName, statistic, period: HOUR, label });
  return [
    graph(
      'SMS delivered per journey (events)',
      smsJourneyIds.map((id) => smsJourneyMetric(namespace, SMS_METRIC.delivered, id)),
      8,
      {
        statistic: 'Sum',
      },
    ),
    graph(
      'SMS failed per journey (events)',
      smsJourneyIds.map((id) => smsJourneyMetric(namespace, SMS_METRIC.failed, id)),
      8,
      {
        statistic: 'Sum',
      },
    ),
    graph(
      'SMS parts and spend (account, AWS/SMSVoice)',
      [
        sms('NumberOfTextMessagePartsSent', 'Sum', 'parts sent'),
        sms('NumberOfTextMessagePartsDelivered', 'Sum', 'parts delivered'),
      ],
      8,
      { right: [sms('TextMessageMonthlySpend', 'Maximum', 'spend this month (USD)')], period: HOUR },
    ),
  ];
}

/** Per function: p99 duration against its timeout, and concurrent executions. */
export function lambdaRow(functions: Record<FunctionName, HandlerFunction>): IWidget[] {
  const fns = Object.entries(functions);
  return [
    graph(
      'Lambda duration p99 (ms)',
      fns.map(([name, { fn }]) => fn.metricDuration({ label: name, statistic: 'p99', period: PERIOD })),
      12,
    ),
    graph(
      'Lambda concurrent executions (max)',
      fns.map(([name, { fn }]) =>
        fn.metric('ConcurrentExecutions', { label: name, statistic: 'Maximum', period: PERIOD }),
      ),
      12,
    ),
  ];
}

/** The HTTP API: requests, client and server errors, latency. */
export function apiRow(httpApi: HttpApi): IWidget[] {
  const sum = { period: PERIOD, statistic: 'Sum' };
  return [
    graph('API requests', [httpApi.metricCount({ ...sum, label: 'requests' })], 8),
    graph(
      'API 4xx and 5xx',
      [
        httpApi.metricClientError({ ...sum, label: '4xx' }),
        httpApi.metricServerError({ ...sum, label: '5xx' }),
      ],
      8,
    ),
    graph(
      'API latency (ms)',
      [
        httpApi.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
        httpApi.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
        httpApi.metricIntegrationLatency({ period: PERIOD, statistic: 'p99', label: 'integration p99' }),
      ],
      8,
    ),
  ];
}
