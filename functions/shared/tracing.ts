import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

/**
 * What a handler traces with. Only the Lambda wiring (index.ts, functions/shared/lambda-tracer.ts) builds a
 * Tracer: this module imports its type and its middleware, never the X-Ray SDK, so the local runtime and
 * the tests load none of it. No tracer: nothing traced.
 */
export interface Tracing {
  tracer?: Tracer;
}

/**
 * The only fields a trace is labelled with: ids, never an address, a name or free text (X-Ray annotations
 * are indexed and kept for 30 days, beyond the reach of erasure). Nothing else of what is passed is read.
 */
export interface TraceIds {
  journeyId?: string | undefined;
  customerId?: string | undefined;
}

/** The handler's `## index.handler` subsegment, without the response (it may quote a profile). */
export function traceHandler({ tracer }: Tracing): MiddlewareObj[] {
  return tracer ? [captureLambdaHandler(tracer, { captureResponse: false })] : [];
}

/**
 * Runs `work` on a subsegment of its own labelled with the customer's ids. Its own, not the handler's: the
 * records of a batch, handled side by side, each keep theirs (a subsegment holds one value per key), and it
 * is never made the current segment, which all of them share. A failure flags it, without the message
 * (a provider's refusal may quote an address).
 */
export async function traceIds<T>(
  { tracer }: Tracing,
  name: string,
  ids: TraceIds,
  work: () => Promise<T>,
): Promise<T> {
  const parent = tracer?.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!parent) return work();
  const subsegment = parent.addNewSubsegment(name);
  if (ids.journeyId !== undefined) subsegment.addAnnotation('journeyId', ids.journeyId);
  if (ids.customerId !== undefined) subsegment.addAnnotation('customerId', ids.customerId);
  try {
    return await work();
  } catch (error) {
    subsegment.addErrorFlag();
    throw error;
  } finally {
    subsegment.close();
  }
}
