import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { parseNotification } from '../../adapters/notifications/parse';
import { InvalidEventError, withoutValues } from '../../domain/errors';
import { suppressAddress, type SuppressDeps, type SuppressOutcome } from '../../domain/messages/suppress';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, type Tracing } from '../shared/tracing';

export interface DeliveryEventsDeps extends Observability, Tracing, SuppressDeps {}

/**
 * Subscribed to the SNS topics of SES feedback (bounces, complaints) and of inbound SMS (STOP): suppresses
 * the address at once and stops the customer's marketing journeys. A malformed message is thrown, so SNS
 * retries it and then parks it in the dead-letter queue: nothing is silently lost.
 */
export function createDeliveryEventsHandler(deps: DeliveryEventsDeps) {
  const { logger, metrics } = deps;
  const handle = async (event: SNSEvent): Promise<{ suppressed: SuppressOutcome[]; ignored: number }> => {
    const suppressed: SuppressOutcome[] = [];
    let ignored = 0;
    for (const record of event.Records) {
      let notifications;
      try {
        notifications = parseNotification(record.Sns.Message, `SNS message ${record.Sns.MessageId}`);
      } catch (e) {
        if (!(e instanceof InvalidEventError)) throw e;
        logger.error('notification rejected', { error: e.message, problems: e.problems });
        // Thrown, so that SNS retries and then dead-letters it; without the values it quoted (addresses).
        throw withoutValues(e);
      }
      for (const n of notifications) {
        if (n.kind === 'ignored') {
          ignored++;
          logger.info('notification ignored', { why: n.why, snsMessageId: record.Sns.MessageId });
          continue;
        }
        const outcome = await suppressAddress(n.request, deps);
        suppressed.push(outcome);
        metrics.addMetric(METRIC.suppressions, MetricUnit.Count, 1);
        logger.info('address suppressed', {
          channel: n.request.channel,
          reason: n.request.reason,
          customers: outcome.customers,
          stoppedExecutions: outcome.stopped.length,
        });
      }
    }
    return { suppressed, ignored };
  };
  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
