import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { RapportError } from '../../domain/errors';
import type { LifecycleDeps } from '../../domain/ports';
import {
  ExecutionStatusChange,
  isExecutionStatusChange,
  recordExecutionEnd,
} from '../../domain/journey/execution-end';
import { settleWaitingEntries, waitingGroup } from '../../domain/journey/waiting';
import type { SweepWork } from '../../domain/sweep';
import { addTurns, noTurns, takeTurns, type TurnResult } from '../../domain/sweep-turn';
import { eachRecord } from '../shared/sqs';
import { countingPublisher } from '../shared/journey-metrics';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, type Tracing } from '../shared/tracing';

export interface SweepWorkerHandlerDeps extends Observability, Tracing, LifecycleDeps {}

/** Some customers of a message could not take their turn now: the message comes back for them. */
export class SweepTurnsFailedError extends RapportError {
  override readonly name: string = 'SweepTurnsFailedError';
}

/**
 * Consumes the sweep queue: each message's customers take their turn, one after another (see takeTurns).
 * The queue also carries the ends of journey executions (Step Functions' status-change events, put there
 * by an EventBridge rule): each is recorded on its journey entry (domain/journey/execution-end.ts).
 * A customer no longer due is skipped, so a message delivered again is harmless. A message with a
 * customer whose turn failed for a reason that may pass is reported failed (its other customers, done,
 * are skipped when it comes back); after the queue's receive count it goes to the dead-letter queue,
 * and the coordinator hands the customer out again once it stops believing its cursor.
 */
export function createSweepWorkerHandler(given: SweepWorkerHandlerDeps) {
  const { logger, metrics } = given;
  // Stage and tier changes the passing time makes, counted per stage and tier as they are announced.
  const deps = { ...given, publisher: countingPublisher(given.publisher, metrics) };
  const handle = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const total = noTurns();
    const response = await eachRecord<SweepWork | ExecutionStatusChange>(
      event,
      async (body) => {
        if (isExecutionStatusChange(body)) return executionEnded(body);
        const { customerIds } = body as SweepWork;
        const turns = await takeTurns(customerIds, deps);
        addTurns(total, turns);
        if (turns.failed.length > 0)
          throw new SweepTurnsFailedError(`${turns.failed.length} of ${customerIds.length} turns failed`);
      },
      { logger },
    );
    report(total, deps);
    return response;
  };
  /** A malformed event throws: retried, then kept in the queue's dead-letter queue, never dropped. */
  const executionEnded = async (body: unknown) => {
    const outcome = await recordExecutionEnd(ExecutionStatusChange.parse(body), deps);
    if (outcome.kind === 'ignored') {
      logger.info('execution status change ignored', { why: outcome.why });
      return;
    }
    const { customerId, journeyId, executionName, ended } = outcome.end;
    logger.info('journey execution ended', { journeyId, executionName, ...ended, outcome: outcome.kind });
    // Its `wait` group is free now: a waiting entry starts at once (again on a redelivery: idempotent).
    const journey = deps.journeys.find((j) => j.id === journeyId);
    if (!journey || !waitingGroup(journey, deps.exclusiveGroups)) return;
    const settled = await settleWaitingEntries(customerId, deps, deps.clock.now());
    count(metrics, METRIC.journeysStarted, settled.started.length);
    for (const s of settled.started) logger.info('waiting journey entry started', { ...s });
    for (const s of settled.expired) logger.info('waiting journey entry expired, not started', { ...s });
  };
  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

const count = (metrics: Observability['metrics'], name: string, n: number) =>
  n && metrics.addMetric(name, MetricUnit.Count, n);

function report(result: TurnResult, { logger, metrics }: Observability): void {
  metrics.addMetric(METRIC.customersSwept, MetricUnit.Count, result.visited);
  count(metrics, METRIC.stageChanges, result.stageChanges);
  count(metrics, METRIC.journeysStarted, result.journeysStarted);
  count(metrics, METRIC.sweepItemsParked, result.parked.length);
  count(metrics, METRIC.sweepItemsFailed, result.failed.length);
  count(metrics, METRIC.occasionsMissed, result.occasionsMissed.length);
  for (const parked of result.parked) logger.warn('customer parked by the sweep', { ...parked });
  for (const failed of result.failed) logger.warn('customer left due after a failed turn', { ...failed });
  // Recorded here, as ingest records them on the event: a timer has no event record of its own.
  for (const held of result.entriesHeld)
    logger.info('journey not entered: its exclusive group holds the customer in another journey', {
      ...held,
    });
  for (const missed of result.occasionsMissed)
    logger.warn('occasion missed: found more than a day after its due time, not started', { ...missed });
  const { parked, failed, occasionsMissed, entriesHeld, ...counts } = result;
  logger.info('sweep turns done', {
    ...counts,
    parked: parked.length,
    failed: failed.length,
    occasionsMissed: occasionsMissed.length,
    entriesHeld: entriesHeld.length,
  });
}
