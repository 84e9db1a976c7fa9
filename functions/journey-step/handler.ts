import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Clock } from '../../domain/clock';
import {
  parseJourneyStepInput,
  runJourneyStep,
  type JourneyStepResult,
} from '../../domain/journey/step-actions';
import { verdictCache } from '../../domain/experiments/verdict-cache';
import type { CustomerStore } from '../../domain/ports';
import { countMessage } from '../shared/journey-metrics';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, traceIds, type Tracing } from '../shared/tracing';

export interface JourneyStepDeps extends Observability, Tracing {
  store: CustomerStore;
  clock: Clock;
}

/**
 * The Task behind `branch`, `split`, `update`, wait-until and wait-for-event steps, and the ones that find
 * until when a deferred send waits and record a send that gave up; the step's definition arrives in the event.
 * An update or a `-failed` task may also decide the branch right after it (see domain/journey/fusion.ts).
 */
export function createJourneyStepHandler(deps: JourneyStepDeps) {
  const { logger, metrics } = deps;
  // Per container: a split routing an experiment's winner reads its verdict once, not per decision.
  const verdicts = verdictCache(deps.store, deps.clock);
  const handle = async (event: unknown): Promise<JourneyStepResult> => {
    const input = parseJourneyStepInput(event);
    logger.appendKeys({ customerId: input.customerId, journeyId: input.journeyId, stepId: input.stepId });
    const ids = { journeyId: input.journeyId, customerId: input.customerId };
    const result = await traceIds(deps, 'journey-step', ids, () =>
      runJourneyStep(input, { ...deps, verdicts }),
    );
    // A decision: a branch or split's own, or the one an update or a send's `-failed` task made too.
    if ('path' in result || ('decision' in result && result.decision))
      metrics.addMetric(METRIC.decisions, MetricUnit.Count, 1);
    if ('updated' in result && result.updated) metrics.addMetric(METRIC.profileUpdates, MetricUnit.Count, 1);
    else if ('status' in result && result.status === 'failed' && result.recorded) {
      metrics.addMetric(METRIC.messagesFailed, MetricUnit.Count, 1);
      if (result.inDoubt) metrics.addMetric(METRIC.messagesInDoubt, MetricUnit.Count, 1);
      if (input.action === 'send-failed') {
        const step = { journey: input.journeyId, channel: input.channel };
        countMessage(metrics, 'messagesFailed', step);
        if (result.inDoubt) countMessage(metrics, 'messagesInDoubt', step);
      }
    }
    logger.info('journey step done', { action: input.action, ...result });
    return result;
  };
  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
