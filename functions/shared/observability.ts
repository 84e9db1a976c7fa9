import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Names of the custom metrics; the CloudWatch dashboard (infra/) charts exactly these. */
export const METRIC = {
  eventsIngested: 'EventsIngested',
  duplicateEvents: 'DuplicateEvents',
  invalidEvents: 'InvalidEvents',
  journeysStarted: 'JourneysStarted',
  stageChanges: 'StageChanges',
  emailsSent: 'EmailsSent',
  emailsSkipped: 'EmailsSkipped',
  unsubscribes: 'Unsubscribes',
} as const;

export const METRICS_NAMESPACE = 'Rapport';
export const SERVICE_NAME = 'rapport';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

export function createObservability(): Observability {
  return {
    logger: new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME }),
    metrics: new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
    }),
  };
}
