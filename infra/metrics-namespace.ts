import type { IConstruct } from 'constructs';
import { METRICS_NAMESPACE } from '../functions/shared/observability';
import { namePrefixOf } from './stage';

/**
 * The namespace the handlers of `scope`'s stage publish their metrics in: `Rapport`, or `<stage>-Rapport`, so
 * that one stage's failures never set off another stage's alarms in a shared account.
 */
export function metricsNamespaceOf(scope: IConstruct): string {
  return `${namePrefixOf(scope)}${METRICS_NAMESPACE}`;
}
