import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { LifecycleDeps } from '../../domain/ports';
import type { RecoveryResult } from '../../domain/recover';
import { sweep, type SweepResult } from '../../domain/sweep';
import { METRIC, type Observability } from '../shared/observability';

export interface SweepHandlerDeps extends Observability, LifecycleDeps {}

/**
 * Invoked on a schedule (EventBridge Scheduler on AWS, a timer locally): in one read of the due index,
 * finishes the events whose delivery died after claiming them and applies the passing of time to the
 * customers whose due time has come (see sweep). The event is ignored; the clock says what is due.
 */
export function createSweepHandler(deps: SweepHandlerDeps) {
  const { logger, metrics } = deps;
  const handle = async (): Promise<SweepResult> => {
    const result = await sweep(deps);
    logRecovery(result.recovery, deps);
    metrics.addMetric(METRIC.customersSwept, MetricUnit.Count, result.visited);
    if (result.stageChanges) metrics.addMetric(METRIC.stageChanges, MetricUnit.Count, result.stageChanges);
    if (result.journeysStarted)
      metrics.addMetric(METRIC.journeysStarted, MetricUnit.Count, result.journeysStarted);
    if (result.parked.length)
      metrics.addMetric(METRIC.sweepItemsParked, MetricUnit.Count, result.parked.length);
    if (result.failed.length)
      metrics.addMetric(METRIC.sweepItemsFailed, MetricUnit.Count, result.failed.length);
    for (const parked of result.parked) logger.warn('customer parked by the sweep', { ...parked });
    for (const failed of result.failed) logger.warn('customer left due after a failed turn', { ...failed });
    const { parked, failed, recovery, ...counts } = result;
    logger.info('sweep done', {
      ...counts,
      parked: parked.length,
      failed: failed.length,
      eventsRecovered: recovery.recovered.length,
      eventRecoveriesFailed: recovery.failed.length,
    });
    return result;
  };
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/** Counts and logs what recovery did: ids only, never the events (they hold personal data). */
export function logRecovery({ recovered, failed }: RecoveryResult, { logger, metrics }: Observability): void {
  if (recovered.length) metrics.addMetric(METRIC.eventsRecovered, MetricUnit.Count, recovered.length);
  if (failed.length) metrics.addMetric(METRIC.eventRecoveriesFailed, MetricUnit.Count, failed.length);
  for (const event of recovered)
    logger.warn('event recovered: its delivery died after claiming it', { ...event });
  for (const event of failed) logger.warn('event recovery failed: tried again next sweep', { ...event });
}
