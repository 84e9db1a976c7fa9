import { Metrics } from '@aws-lambda-powertools/metrics';
import { createLogger } from '../../functions/shared/observability';

/**
 * A handler's logger and metrics, with every metric it adds kept in `published` by name. The test setup
 * disables publishing (POWERTOOLS_METRICS_DISABLED), so what the handler adds is read here instead.
 */
export function spiedObservability() {
  const logger = createLogger({ logLevel: 'INFO' });
  const metrics = new Metrics({ namespace: 'Rapport', serviceName: 'rapport', logger });
  const published: Record<string, number> = {};
  jest.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    published[name] = value;
    return metrics;
  });
  return { logger, metrics, published };
}
