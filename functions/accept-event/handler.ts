import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { admitEvent } from '../../domain/admit';
import { CustomerErasedError } from '../../domain/erase';
import type { Clock } from '../../domain/clock';
import { ValidationError } from '../../domain/errors';
import type { CustomEvents } from '../../domain/events/custom';
import { parseCustomerEvent } from '../../domain/events/parse';
import type { IncomingEvent } from '../../domain/events/schema';
import { DEFAULT_EVENT_TIME_WINDOW, type EventTimeWindow } from '../../domain/events/time';
import type { CustomerStore, WorkQueue } from '../../domain/ports';
import { errorBody, httpError, json, parseJsonBody } from '../shared/http';
import { METRIC, type Observability } from '../shared/observability';
import { traceHandler, type Tracing } from '../shared/tracing';

export interface AcceptEventDeps extends Observability, Tracing {
  /** Read only: the customer's tombstone and the event's record (see admitEvent). */
  store: CustomerStore;
  clock: Clock;
  /** Where accepted events wait for ingest-event: the ingest queue (SQS on AWS, inline locally). */
  ingestQueue: WorkQueue<IncomingEvent>;
  /** settings.yaml `events`: the event times believed (default: up to a day ahead, from 2000 on). */
  eventTimes?: EventTimeWindow;
  /** settings.yaml `customEvents`: the declared types accepted beside the built-in ones. */
  customEvents?: CustomEvents;
}

/**
 * The 202 answer to POST /events, the same locally and on AWS. `queued`: the event is durable on the
 * ingest queue and will be applied exactly once (locally, it already has been). `duplicate`: this event
 * was applied before; nothing was queued.
 */
export interface Accepted {
  status: 'queued' | 'duplicate';
  customerId: string;
  eventId: string;
}

/**
 * POST /events: validates the event exactly as ingest does (400 naming every problem), answers what two
 * reads can (410 for an event from before its customer's erasure, 409 for an event id reused with another
 * payload, a duplicate), and puts the rest on the ingest queue, answering 202 only once SQS has it. A
 * burst of events becomes a queue ingest-event drains at its own concurrency, not a burst of
 * StartExecution calls; a failure to queue is thrown (a bare 5xx the caller retries), never a lost event.
 */
export function createAcceptEventHandler(deps: AcceptEventDeps) {
  const { logger, metrics } = deps;

  const accept = async (input: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const checks = {
      now: deps.clock.now(),
      window: deps.eventTimes ?? DEFAULT_EVENT_TIME_WINDOW,
      ...(deps.customEvents ? { customEvents: deps.customEvents } : {}),
    };
    const event = parseCustomerEvent(parseJsonBody(input), 'request body', checks);
    logger.appendKeys({ customerId: event.customerId, eventId: event.eventId });
    const admitted = await admitEvent(event, deps.store);
    if (admitted === 'new') await deps.ingestQueue.send([event]);
    const status = admitted === 'new' ? 'queued' : 'duplicate';
    metrics.addMetric(
      status === 'queued' ? METRIC.eventsQueued : METRIC.duplicateEvents,
      MetricUnit.Count,
      1,
    );
    logger.info('event accepted', { status, type: event.type });
    const body: Accepted = { status, customerId: event.customerId, eventId: event.eventId };
    return json(202, body);
  };

  const handle = async (input: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = input.requestContext.requestId;
    try {
      return await accept(input);
    } catch (error) {
      // An event from before the customer's erasure: Gone, so the sender stops retrying it.
      const response =
        error instanceof CustomerErasedError
          ? json(410, errorBody(error, error.problems, requestId))
          : httpError(error, requestId);
      if (!response) {
        // Thrown, so the caller gets a bare 5xx and may retry; the cause stays in the (redacted) log.
        logger.error('request failed', { requestId, error: error as Error });
        throw error;
      }
      metrics.addMetric(METRIC.invalidEvents, MetricUnit.Count, 1);
      logger.warn('event rejected', {
        error: errorBody(error as Error, error instanceof ValidationError ? error.problems : []),
      });
      return response;
    }
  };

  // resetKeys: the customerId/eventId appended for one event must not label the next invocation's logs.
  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
