import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { zodProblems } from '../../domain/config/problems';
import { InvalidEventError, type ValidationError, withoutValues } from '../../domain/errors';
import { eraseCustomer, type EraseOutcome } from '../../domain/erase';
import { parseCustomerEvent, type EventChecks } from '../../domain/events/parse';
import {
  ErasureRequest,
  isErasure,
  type CustomerEvent,
  type IncomingEvent,
} from '../../domain/events/schema';
import { DEFAULT_EVENT_TIME_WINDOW, type EventTimeWindow } from '../../domain/events/time';
import { ingestEvent, type IngestResult } from '../../domain/ingest';
import type { LifecycleDeps, SentimentClassifier } from '../../domain/ports';
import { withSentiment } from '../../domain/events/sentiment';
import { errorBody, isHttpEvent, json } from '../shared/http';
import { eachRecord } from '../shared/sqs';
import { countGoalsReached, countingPublisher, countNewCustomer } from '../shared/journey-metrics';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, traceIds, type Tracing } from '../shared/tracing';

export interface IngestEventDeps extends Observability, Tracing, LifecycleDeps {
  /** Reads the sentiment of comments and complaints before they are applied. */
  sentiment: SentimentClassifier;
  /** settings.yaml `events`: the event times believed (default: up to a day ahead, from 2000 on). */
  eventTimes?: EventTimeWindow;
}

// Moved to the domain so that the simulator validates history files exactly as ingest does.
export { parseCustomerEvent, type EventChecks };

export type IngestEventInput = APIGatewayProxyEventV2 | SQSEvent;

/** Erasure and ingest of one event, each counted and logged (the customer's keys appended to the log). */
function eventIngester(given: IngestEventDeps) {
  const { logger, metrics } = given;
  const deps = { ...given, publisher: countingPublisher(given.publisher, metrics) };
  const erase = async (customerId: string): Promise<EraseOutcome> => {
    logger.appendKeys({ customerId });
    const outcome = await traceIds(deps, 'erasure', { customerId }, () => eraseCustomer(customerId, deps));
    metrics.addMetric(METRIC.erasures, MetricUnit.Count, 1);
    logger.info('customer erased', { ...outcome });
    return outcome;
  };

  const ingest = async (incoming: IncomingEvent): Promise<IngestResult | EraseOutcome> => {
    if (isErasure(incoming)) return erase(incoming.customerId);
    const event = (await withSentiment(incoming, deps.sentiment)) as CustomerEvent;
    logger.appendKeys({ customerId: event.customerId, eventId: event.eventId });
    const result = await traceIds(deps, 'ingest', { customerId: event.customerId }, () =>
      ingestEvent(event, deps),
    );
    metrics.addMetric(
      result.status === 'accepted' ? METRIC.eventsIngested : METRIC.duplicateEvents,
      MetricUnit.Count,
      1,
    );
    if (result.stageChanges.length)
      metrics.addMetric(METRIC.stageChanges, MetricUnit.Count, result.stageChanges.length);
    if (result.journeysStarted.length)
      metrics.addMetric(METRIC.journeysStarted, MetricUnit.Count, result.journeysStarted.length);
    // A goal event that ended several journeys counts once, for the journey it is attributed to.
    countGoalsReached(metrics, result.attributedTo === undefined ? [] : [result.attributedTo]);
    countNewCustomer(metrics, result);
    logger.info('event ingested', {
      status: result.status,
      stage: result.stage,
      journeysStarted: result.journeysStarted,
    });
    return result;
  };
  return { erase, ingest };
}

/** DELETE /customers/{id}: the right to erasure stays synchronous (200 with what was erased). */
function erasureRoute(
  { logger, metrics }: Observability,
  erase: (customerId: string) => Promise<EraseOutcome>,
) {
  const refused = (error: ValidationError, response: APIGatewayProxyStructuredResultV2) => {
    metrics.addMetric(METRIC.invalidEvents, MetricUnit.Count, 1);
    logger.warn('erasure refused', { error: errorBody(error, error.problems) });
    return response;
  };
  return async (input: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = input.requestContext.requestId;
    const customerId = input.pathParameters?.id ?? '';
    const parsed = ErasureRequest.shape.customerId.safeParse(customerId);
    if (!parsed.success) {
      const error = new InvalidEventError(
        'Invalid customer id',
        zodProblems(parsed.error, customerId, { source: 'path' }).map((p) => ({ ...p, field: 'id' })),
      );
      return refused(error, json(400, errorBody(error, error.problems, requestId)));
    }
    try {
      return json(200, await erase(parsed.data));
    } catch (error) {
      // Thrown, so the caller gets a bare 5xx and may retry; the cause stays in the (redacted) log.
      logger.error('request failed', { requestId, error: error as Error });
      throw error;
    }
  };
}

/**
 * The ingest queue's consumer: events accepted by POST /events (accept-event) and events an EventBridge
 * rule puts on the queue (the envelope, whose `detail` is the event), each applied by the same
 * exactly-once `ingestEvent`; a duplicate is a success, and a failure (an invalid body included) is
 * reported for that message alone, so it is delivered again and ends in the dead-letter queue, never
 * dropped. Also DELETE /customers/{id}: erasure answers synchronously.
 */
export function createIngestEventHandler(deps: IngestEventDeps) {
  const { logger, metrics } = deps;
  const checks = (): EventChecks => ({
    now: deps.clock.now(),
    window: deps.eventTimes ?? DEFAULT_EVENT_TIME_WINDOW,
    ...(deps.customEvents ? { customEvents: deps.customEvents } : {}),
  });
  const { erase, ingest } = eventIngester(deps);
  const handleErasure = erasureRoute(deps, erase);

  /** One message of the ingest queue: an event from POST /events, or an EventBridge event around one. */
  const ingestMessage = async (body: unknown, record: SQSRecord): Promise<void> => {
    const bridged = isEventBridgeEnvelope(body);
    const source = bridged ? `EventBridge event ${body.id}` : `queued message ${record.messageId}`;
    try {
      await ingest(parseCustomerEvent(bridged ? body.detail : body, source, checks()));
    } catch (error) {
      if (error instanceof InvalidEventError) {
        metrics.addMetric(METRIC.invalidEvents, MetricUnit.Count, 1);
        logger.error('event rejected', { error: errorBody(error, error.problems) });
      }
      // A failure of this message: it comes back from the queue and finally waits in the dead-letter
      // queue (where the event itself is kept); the values it quoted stay out of the log line.
      throw error instanceof InvalidEventError ? withoutValues(error) : error;
    } finally {
      logger.removeKeys(['customerId', 'eventId']);
    }
  };

  const handle = async (
    input: IngestEventInput,
  ): Promise<APIGatewayProxyStructuredResultV2 | SQSBatchResponse> => {
    if (isHttpEvent(input)) return handleErasure(input);
    if (isSqsEvent(input)) return eachRecord(input, ingestMessage, { logger });
    throw new InvalidEventError('Invalid invocation', [
      { field: '', expected: 'an SQS batch of the ingest queue, or DELETE /customers/{id}' },
    ]);
  };

  // resetKeys: the customerId/eventId appended for one event must not label the next invocation's logs.
  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

function isSqsEvent(input: unknown): input is SQSEvent {
  return typeof input === 'object' && input !== null && Array.isArray((input as SQSEvent).Records);
}

/** What an EventBridge rule targeting SQS puts in the message body: the whole event, `detail` inside. */
function isEventBridgeEnvelope(body: unknown): body is { id: string; detail: unknown } {
  return typeof body === 'object' && body !== null && 'detail-type' in body && 'detail' in body;
}
