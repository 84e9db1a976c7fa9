import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import {
  parseSendMessageInput,
  sendMessage,
  type SendDeps,
  type SendMessageResult,
} from '../../domain/messages/send';
import { METRIC, type Observability } from '../shared/observability';

export type SendMessageDeps = SendDeps & Observability;

/** The Task behind every `send` step. Invoked by Step Functions with the state's Parameters as event. */
export function createSendMessageHandler(deps: SendMessageDeps) {
  const { logger, metrics } = deps;
  const handle = async (event: unknown): Promise<SendMessageResult> => {
    const input = parseSendMessageInput(event);
    logger.appendKeys({ customerId: input.customerId, journeyId: input.journeyId, stepId: input.stepId });
    const result = await sendMessage(input, deps);
    if (result.status === 'sent') metrics.addMetric(METRIC.emailsSent, MetricUnit.Count, 1);
    if (result.status === 'skipped') metrics.addMetric(METRIC.emailsSkipped, MetricUnit.Count, 1);
    logger.info('send step done', { ...result });
    return result;
  };
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
