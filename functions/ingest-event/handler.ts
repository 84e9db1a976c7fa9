import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, EventBridgeEvent } from 'aws-lambda';
import { zodProblems } from '../../domain/config/source';
import { InvalidEventError, ValidationError, withoutValues } from '../../domain/errors';
import { customerErasedError, eraseCustomer, type EraseOutcome } from '../../domain/erase';
import { parseCustomerEvent, type EventChecks } from '../../domain/events/parse';
import { ErasureRequest, type CustomerEvent, type IncomingEvent } from '../../domain/events/schema';
import { DEFAULT_EVENT_TIME_WINDOW, type EventTimeWindow } from '../../domain/events/time';
import { ingestEvent, type IngestResult } from '../../domain/ingest';
import type { LifecycleDeps, SentimentClassifier } from '../../domain/ports';
import { withSentiment } from '../../domain/events/sentiment';
import { errorBody, httpError, isHttpEvent, json, parseJsonBody } from '../shared/http';
import { METRIC, type Observability } from '../shared/observability';

export interface IngestEventDeps extends Observability, LifecycleDeps {
  /** Reads the sentiment of comments and complaints before they are applied. */
  sentiment: SentimentClassifier;
  /** settings.yaml `events`: the event times believed (default: up to a day ahead, from 2000 on). */
  eventTimes?: EventTimeWindow;
}

// Moved to the domain so that the simulator validates history files exactly as ingest does.
export { parseCustomerEvent, type EventChecks };

export type IngestEventInput = APIGatewayProxyEventV2 | EventBridgeEvent<string, unknown>;

/**
 * One handler, two ways in: the HTTP API (`POST /events`) and an EventBridge rule. Both end in the same
 * exactly-once `ingestEvent`.
 */
export function createIngestEventHandler(deps: IngestEventDeps) {
  const { logger, metrics } = deps;
  const checks = (): EventChecks => ({
    now: deps.clock.now(),
    window: deps.eventTimes ?? DEFAULT_EVENT_TIME_WINDOW,
  });

  const erase = async (customerId: string): Promise<EraseOutcome> => {
    logger.appendKeys({ customerId });
    const outcome = await eraseCustomer(customerId, deps);
    metrics.addMetric(METRIC.erasures, MetricUnit.Count, 1);
    logger.info('customer erased', { ...outcome });
    return outcome;
  };

  const ingest = async (incoming: IncomingEvent): Promise<IngestResult | EraseOutcome> => {
    if (incoming.type === 'erase') return erase(incoming.customerId);
    const event = (await withSentiment(incoming, deps.sentiment)) as CustomerEvent;
    logger.appendKeys({ customerId: event.customerId, eventId: event.eventId });
    const result = await ingestEvent(event, deps);
    metrics.addMetric(
      result.status === 'accepted' ? METRIC.eventsIngested : METRIC.duplicateEvents,
      MetricUnit.Count,
      1,
    );
    if (result.stageChanges.length)
      metrics.addMetric(METRIC.stageChanges, MetricUnit.Count, result.stageChanges.length);
    if (result.journeysStarted.length)
      metrics.addMetric(METRIC.journeysStarted, MetricUnit.Count, result.journeysStarted.length);
    logger.info('event ingested', {
      status: result.status,
      stage: result.stage,
      journeysStarted: result.journeysStarted,
    });
    return result;
  };

  const refused = (error: ValidationError | Error, response: APIGatewayProxyStructuredResultV2) => {
    metrics.addMetric(METRIC.invalidEvents, MetricUnit.Count, 1);
    logger.warn('event rejected', {
      error: errorBody(error, error instanceof ValidationError ? error.problems : []),
    });
    return response;
  };

  const handleHttp = async (input: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = input.requestContext.requestId;
    try {
      if (input.requestContext.http.method === 'DELETE') {
        const customerId = input.pathParameters?.id ?? '';
        const parsed = ErasureRequest.shape.customerId.safeParse(customerId);
        if (!parsed.success)
          throw new InvalidEventError(
            'Invalid customer id',
            zodProblems(parsed.error, customerId, { source: 'path' }).map((p) => ({ ...p, field: 'id' })),
          );
        return json(200, await erase(parsed.data));
      }
      const event = parseCustomerEvent(parseJsonBody(input), 'request body', checks());
      const result = await ingest(event);
      if (!('status' in result) || result.status !== 'erased') return json(202, result);
      // An event from before the customer's erasure: Gone, so the sender stops retrying it.
      const gone = customerErasedError(event);
      return json(410, errorBody(gone, gone.problems, requestId));
    } catch (error) {
      const response = httpError(error, requestId);
      if (response) return refused(error as Error, response);
      // Thrown, so the caller gets a bare 5xx (API Gateway's own, or the local API's generic one) and may
      // retry; the cause stays in the (redacted) log under the request id.
      logger.error('request failed', { requestId, error: error as Error });
      throw error;
    }
  };

  const handle = async (
    input: IngestEventInput,
  ): Promise<APIGatewayProxyStructuredResultV2 | IngestResult | EraseOutcome> => {
    if (isHttpEvent(input)) return handleHttp(input);
    if ('detail-type' in input && 'detail' in input) {
      try {
        return await ingest(parseCustomerEvent(input.detail, `EventBridge event ${input.id}`, checks()));
      } catch (error) {
        if (error instanceof InvalidEventError) {
          metrics.addMetric(METRIC.invalidEvents, MetricUnit.Count, 1);
          logger.error('event rejected', { error: errorBody(error, error.problems) });
        }
        // Thrown, so that EventBridge retries and finally parks the event in the dead-letter queue: nothing is
        // lost (the event itself is in the queue); the values it quoted stay out of the runtime's log line.
        throw error instanceof InvalidEventError ? withoutValues(error) : error;
      }
    }
    throw new InvalidEventError('Invalid invocation', [
      { field: '', expected: 'an API Gateway HTTP API (v2) request or an EventBridge event' },
    ]);
  };

  // resetKeys: the customerId/eventId appended for one event must not label the next invocation's logs.
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
