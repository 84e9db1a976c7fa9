import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { SendDeferredError } from '../../domain/errors';
import {
  parseSendMessageInput,
  sendMessage,
  type SendDeps,
  type SendMessageResult,
} from '../../domain/messages/send';
import { METRIC, skippedMetric, type Observability } from '../shared/observability';

export type SendMessageDeps = SendDeps & Observability;
export type SendMessageOutput = SendMessageResult & { until: string | null };

/**
 * The Task behind every `send` step. Invoked by Step Functions with the state's Parameters as event.
 * A deferral is thrown as SendDeferredError when the state asks for it (`deferral: error`), so that the
 * ordinary outcome needs no Choice after the send: see compile/send.ts.
 */
export function createSendMessageHandler(deps: SendMessageDeps) {
  const { logger, metrics } = deps;
  const handle = async (event: unknown): Promise<SendMessageOutput> => {
    const input = parseSendMessageInput(event);
    logger.appendKeys({ customerId: input.customerId, journeyId: input.journeyId, stepId: input.stepId });
    const result = await sendMessage(input, deps);
    if (result.status === 'sent')
      metrics.addMetric(result.channel === 'email' ? METRIC.emailsSent : METRIC.smsSent, MetricUnit.Count, 1);
    if (result.status === 'duplicate' && result.interrupted) {
      metrics.addMetric(METRIC.messagesInDoubt, MetricUnit.Count, 1);
      logger.warn('message in doubt: an earlier attempt stopped between its claim and the answer', {
        messageKey: result.messageKey,
      });
    }
    if (result.status === 'skipped' || result.status === 'deferred') {
      metrics.addMetric(METRIC.messagesSkipped, MetricUnit.Count, 1);
      metrics.addMetric(skippedMetric(result.reason), MetricUnit.Count, 1);
    }
    logger.info('send step done', { ...result });
    // Recorded and counted above: the compiled send's Catch on this error name leads to the wait.
    if (result.status === 'deferred' && input.deferral === 'error')
      throw new SendDeferredError(result.reason, result.until);
    // An older execution's ResultSelector reads `until` whatever the outcome: a missing path is a
    // States.Runtime error.
    return result.status === 'deferred' ? result : { ...result, until: null };
  };
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
