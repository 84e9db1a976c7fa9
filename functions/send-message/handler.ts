import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { MessageThrottledError, SendDeferredError } from '../../domain/errors';
import { decideFusedBranch, type Decision } from '../../domain/journey/decision';
import { applyStepUpdate } from '../../domain/profile/update';
import {
  parseSendMessageInput,
  sendMessage,
  type SendMessageInput,
  type SendDeps,
  type SendMessageResult,
} from '../../domain/messages/send';
import { countMessage } from '../shared/journey-metrics';
import { METRIC, skippedMetric, type Observability } from '../shared/observability';
import { traceHandler, traceIds, type Tracing } from '../shared/tracing';

export type SendMessageDeps = SendDeps & Observability & Tracing;
/** `decision`: the branch after the send, when the state passed one (see domain/journey/fusion.ts). */
export type SendMessageOutput = SendMessageResult & { until: string | null; decision?: Decision };

/**
 * The Task behind every `send` step. Invoked by Step Functions with the state's Parameters as event.
 * A deferral is thrown as SendDeferredError when the state asks for it (`deferral: error`), so that the
 * ordinary outcome needs no Choice after the send: see compile/send.ts. A branch right after the send is
 * decided here once the send is done (sent, skipped or found done before), not when it is deferred: the
 * deferral leads back to this task. An update step right before the send is applied first, on the first
 * attempt (not again after a deferral), whatever the send then does.
 */
export function createSendMessageHandler(deps: SendMessageDeps) {
  const { logger, metrics } = deps;
  // The update step right before the send, when the state passed one (see domain/journey/fusion.ts).
  // True when it changed the profile (the send reads it again).
  const applyFoldedUpdate = async ({ update, customerId }: SendMessageInput) => {
    if (!update || !(await applyStepUpdate(customerId, update, deps))) return false;
    metrics.addMetric(METRIC.profileUpdates, MetricUnit.Count, 1);
    logger.info('profile updated', { updateStepId: update.stepId });
    return true;
  };
  const sendStep = async (input: SendMessageInput): Promise<SendMessageOutput> => {
    const step = { journey: input.journeyId, channel: input.channel };
    const result = await sendMessage(input, deps, {
      beforeFirstAttempt: () => applyFoldedUpdate(input),
    }).catch((e: unknown) => {
      // Deferred by the provider's refusal: the send's Retry, then its Catch, try it again later.
      if (e instanceof MessageThrottledError) {
        metrics.addMetric(skippedMetric('provider-throttled'), MetricUnit.Count, 1);
        countMessage(metrics, 'messagesSkipped', { ...step, reason: 'provider-throttled' });
      }
      throw e;
    });
    if (result.status === 'sent') {
      metrics.addMetric(result.channel === 'email' ? METRIC.emailsSent : METRIC.smsSent, MetricUnit.Count, 1);
      countMessage(metrics, 'messagesSent', { ...step, channel: result.channel });
    }
    if (result.status === 'duplicate' && result.interrupted) {
      metrics.addMetric(METRIC.messagesInDoubt, MetricUnit.Count, 1);
      countMessage(metrics, 'messagesInDoubt', step);
      logger.warn('message in doubt: an earlier attempt stopped between its claim and the answer', {
        messageKey: result.messageKey,
      });
    }
    if (result.status === 'skipped' || result.status === 'deferred') {
      metrics.addMetric(METRIC.messagesSkipped, MetricUnit.Count, 1);
      metrics.addMetric(skippedMetric(result.reason), MetricUnit.Count, 1);
      countMessage(metrics, 'messagesSkipped', { ...step, reason: result.reason });
    }
    logger.info('send step done', { ...result });
    // Recorded and counted above: the compiled send's Catch on this error name leads to the wait.
    if (result.status === 'deferred' && input.deferral === 'error')
      throw new SendDeferredError(result.reason, result.until);
    // An older execution's ResultSelector reads `until` whatever the outcome: a missing path is a
    // States.Runtime error.
    if (result.status === 'deferred') return result;
    if (!input.branch) return { ...result, until: null };
    const decision = await decideFusedBranch(input, input.branch, deps);
    metrics.addMetric(METRIC.decisions, MetricUnit.Count, 1);
    logger.info('branch decided', { branchStepId: input.branch.stepId, ...decision });
    return { ...result, until: null, decision };
  };
  const handle = async (event: unknown): Promise<SendMessageOutput> => {
    const input = parseSendMessageInput(event);
    logger.appendKeys({ customerId: input.customerId, journeyId: input.journeyId, stepId: input.stepId });
    const ids = { journeyId: input.journeyId, customerId: input.customerId };
    return traceIds(deps, 'send-message', ids, () => sendStep(input));
  };
  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
