import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../functions/shared/observability';
import { namePrefixOf } from './stage';

const PERIOD = Duration.minutes(5);

/**
 * The namespace the handlers of `scope`'s stage publish their metrics in: `Rapport`, or `<stage>-Rapport`, so
 * that one stage's failures never set off another stage's alarms in a shared account.
 */
export function metricsNamespaceOf(scope: IConstruct): string {
  return `${namePrefixOf(scope)}${METRICS_NAMESPACE}`;
}

/**
 * A custom metric the handlers publish with Powertools in `namespace`: the default dimension `service`, and
 * any others a dimensioned metric has (functions/shared/journey-metrics.ts). Summed over 5 minutes.
 */
export function customMetric(
  namespace: string,
  metricName: string,
  dimensions: Record<string, string> = {},
  label?: string,
): Metric {
  return new Metric({
    namespace,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, ...dimensions },
    statistic: 'Sum',
    period: PERIOD,
    ...(label === undefined ? {} : { label }),
  });
}

/** A service-wide custom metric of `scope`'s stage (the ones the alarms read). */
export function rapportMetric(scope: IConstruct, metricName: string): Metric {
  return customMetric(metricsNamespaceOf(scope), metricName);
}
