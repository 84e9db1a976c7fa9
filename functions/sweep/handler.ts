import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { evaluateExperiments } from '../../domain/experiments/evaluate';
import type { LifecycleDeps, WorkQueue } from '../../domain/ports';
import type { RecoveryResult } from '../../domain/recover';
import { coordinateSweep, type CoordinatorResult, type SweepWork } from '../../domain/sweep';
import { countingPublisher } from '../shared/journey-metrics';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, type Tracing } from '../shared/tracing';

export interface SweepHandlerDeps extends Observability, Tracing, LifecycleDeps {
  /** The sweep queue, which the sweep-worker function consumes. */
  queue: WorkQueue<SweepWork>;
}

/**
 * Time kept back from the Lambda's timeout: the run stops reading this long before it (a page read and
 * its messages sent take far less), leaves its lease with its cursors, and the next run resumes.
 */
export const SWEEP_SAFETY_MARGIN_MS = 30_000;

/**
 * Invoked on a schedule (EventBridge Scheduler on AWS, a timer locally): the sweep's coordinator. Hands
 * the customers whose due time has come to the sweep workers through the sweep queue, and finishes the
 * events whose delivery died after claiming them (see coordinateSweep). The event is ignored; the clock
 * says what is due, the Lambda context how long this run may take.
 */
export function createSweepHandler(given: SweepHandlerDeps) {
  const { logger, metrics } = given;
  // The recovery pass finishes events, with their stage and tier changes: counted as ingest counts them.
  const deps = { ...given, publisher: countingPublisher(given.publisher, metrics) };
  const handle = async (_event: unknown, context: Context): Promise<CoordinatorResult> => {
    const remainingMs = () => context.getRemainingTimeInMillis() - SWEEP_SAFETY_MARGIN_MS;
    const result = await coordinateSweep({ ...deps, remainingMs });
    if (!result.ran) {
      // Not an error: the schedule fired while the last run still held the lease.
      metrics.addMetric(METRIC.sweepsOverlapped, MetricUnit.Count, 1);
      logger.info('sweep skipped: another run holds the lease');
      return result;
    }
    logRecovery(result.recovery, deps);
    await recordVerdicts(deps);
    metrics.addMetric(METRIC.customersQueued, MetricUnit.Count, result.queued);
    if (result.shardsLeft) metrics.addMetric(METRIC.sweepShardsLeft, MetricUnit.Count, result.shardsLeft);
    const { recovery, ...counts } = result;
    logger.info(result.shardsLeft ? 'sweep stopped before its timeout: the next run resumes' : 'sweep done', {
      ...counts,
      eventsRecovered: recovery.recovered.length,
      eventRecoveriesFailed: recovery.failed.length,
    });
    return result;
  };
  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/**
 * The experiments' evaluation, after the sweep's own work: only a run that took the lease, so runs overlap
 * rarely, and each writes a whole tally derived from the one it read, so an overlap may redo work but never
 * counts a decision twice. A failure is logged and left to the next sweep, which counts from the last tally:
 * the customers this run handed out are not failed with it.
 */
async function recordVerdicts(deps: SweepHandlerDeps): Promise<void> {
  try {
    for (const v of await evaluateExperiments(deps))
      deps.logger.info('experiment verdict recorded', {
        journeyId: v.journeyId,
        stepId: v.stepId,
        winner: v.winner,
        reason: v.reason,
      });
  } catch (e) {
    deps.logger.error('experiment evaluation failed: tried again next sweep', { error: e as Error });
  }
}

/** Counts and logs what recovery did: ids only, never the events (they hold personal data). */
export function logRecovery({ recovered, failed }: RecoveryResult, { logger, metrics }: Observability): void {
  if (recovered.length) metrics.addMetric(METRIC.eventsRecovered, MetricUnit.Count, recovered.length);
  if (failed.length) metrics.addMetric(METRIC.eventRecoveriesFailed, MetricUnit.Count, failed.length);
  for (const event of recovered)
    logger.warn('event recovered: its delivery died after claiming it', { ...event });
  for (const event of failed) logger.warn('event recovery failed: tried again next sweep', { ...event });
}
