import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { parseNotification } from '../../adapters/notifications/parse';
import type { EngagementEvent, EngagementType } from '../../domain/events/engagement';
import { InvalidEventError, withoutValues } from '../../domain/errors';
import { ingestEvent } from '../../domain/ingest';
import { suppressAddress, type SuppressDeps, type SuppressOutcome } from '../../domain/messages/suppress';
import type { LifecycleDeps } from '../../domain/ports';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, type Tracing } from '../shared/tracing';

export interface DeliveryEventsDeps extends Observability, Tracing, SuppressDeps, LifecycleDeps {}

const ENGAGEMENT_METRIC: Record<EngagementType, string> = {
  'email-delivered': METRIC.emailsDelivered,
  'email-opened': METRIC.emailsOpened,
  'email-clicked': METRIC.emailsClicked,
  'sms-delivered': METRIC.textsDelivered,
};

export interface DeliveryEventsResult {
  suppressed: SuppressOutcome[];
  engaged: { type: EngagementType; status: 'accepted' | 'duplicate' | 'erased' }[];
  ignored: number;
}

/**
 * Subscribed to the SNS topics of SES feedback (bounces, complaints) and of inbound SMS (STOP): suppresses
 * the address at once and stops the customer's marketing journeys. Deliveries, opens and clicks (and SMS
 * deliveries) are ingested as the customer's engagement events. A malformed message is thrown, so SNS
 * retries it and then parks it in the dead-letter queue: nothing is silently lost.
 */
export function createDeliveryEventsHandler(deps: DeliveryEventsDeps) {
  const { logger, metrics } = deps;
  /** Ingested as the customer's event: on the timeline, and it resumes the waits for this message. */
  const engage = async (event: EngagementEvent) => {
    const result = await ingestEvent(event, deps);
    // A redelivery (or a second TEXT_SUCCESSFUL after TEXT_DELIVERED) is the same event: counted once.
    if (result.status === 'accepted') metrics.addMetric(ENGAGEMENT_METRIC[event.type], MetricUnit.Count, 1);
    logger.info('engagement recorded', {
      type: event.type,
      status: result.status,
      journeyId: event.message.journeyId,
      stepId: event.message.stepId,
    });
    return result.status;
  };
  const handle = async (event: SNSEvent): Promise<DeliveryEventsResult> => {
    const suppressed: SuppressOutcome[] = [];
    const engaged: DeliveryEventsResult['engaged'] = [];
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
        if (n.kind === 'engagement') {
          engaged.push({ type: n.event.type, status: await engage(n.event) });
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
    return { suppressed, engaged, ignored };
  };
  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
