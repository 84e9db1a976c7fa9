import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { isThrottled } from '../../adapters/stepfunctions/journey-starter';
import { InvalidEventError, RapportError } from '../../domain/errors';
import { QueuedStart, startQueued } from '../../domain/journey/queued-start';
import type { Pacer } from '../../domain/pacing';
import type { CustomerStore, JourneyStarter } from '../../domain/ports';
import { zodProblems } from '../../domain/config/problems';
import { eachRecord } from '../shared/sqs';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, traceIds, type Tracing } from '../shared/tracing';

export interface StartJourneyDeps extends Observability, Tracing {
  store: CustomerStore;
  /** The direct starter (StartExecution): this function is where queued starts end. */
  starter: JourneyStarter;
  /** This consumer's share of the account-wide start rate (startConsumerRate); none locally. */
  pacer?: Pacer;
  /** Starts made side by side within one batch (they share the pacer). */
  concurrency?: number;
}

/** A start left for a later delivery: waiting for its turn would outlast this invocation. */
export class StartDeferredError extends RapportError {
  override readonly name: string = 'StartDeferredError';
}

/** Starts made side by side in one invocation: enough to reach a consumer's rate through StartExecution's latency. */
export const STARTS_SIDE_BY_SIDE = 4;

/** What is kept back from the deadline: a StartExecution call and the batch's answer. */
const DEADLINE_MARGIN_MS = 3_000;

/**
 * The start queue's consumer: each message is one journey start that enterJourneys decided and recorded
 * (the entry first). A start whose entry is gone (erased) or converted (a goal came while it waited) is
 * skipped and counted; the others wait their turn under the rate, then StartExecution (a repeat is
 * ExecutionAlreadyExists, which is done). A throttled or failed call, and a start whose turn would come
 * after this invocation's deadline, is a batch item failure: SQS delivers it again, and after the queue's
 * maxReceiveCount keeps it in the dead-letter queue (see `rapport redrive starts`). Never dropped.
 */
export function createStartJourneyHandler(deps: StartJourneyDeps) {
  const { logger, metrics } = deps;
  const count = (metric: string) => metrics.addMetric(metric, MetricUnit.Count, 1);

  const startOne = async (body: unknown, context: Context): Promise<void> => {
    const parsed = QueuedStart.safeParse(body);
    if (!parsed.success)
      throw new InvalidEventError(
        'Invalid start message',
        zodProblems(parsed.error, body, { source: 'start queue' }).map(({ value: _v, ...p }) => p),
      );
    const beforeStart = async () => {
      if (!deps.pacer) return;
      if (deps.pacer.peekWaitMs() > context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS)
        throw new StartDeferredError('its turn under the start rate comes after this invocation ends');
      await deps.pacer.take();
    };
    try {
      const { journeyId, customerId } = parsed.data.input;
      const outcome = await traceIds(deps, 'queued-start', { journeyId, customerId }, () =>
        startQueued(parsed.data, { ...deps, beforeStart }),
      );
      if (outcome === 'gone') count(METRIC.startsSkippedErased);
      if (outcome === 'converted') count(METRIC.startsSkippedConverted);
      if (outcome === 'started') count(METRIC.executionsStarted);
      logger.info('queued start', { executionName: parsed.data.executionName, outcome });
    } catch (error) {
      if (isThrottled(error)) count(METRIC.startsThrottled);
      throw error;
    }
  };

  const handle = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    eachRecord(event, (body) => startOne(body, context), {
      logger,
      concurrency: deps.concurrency ?? 1,
    });

  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
