import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './observability';

/** Wraps an AWS SDK client so that each of its calls is a subsegment of the trace (or returns it as it is). */
export type ClientTracing = <C>(client: C) => C;

export interface LambdaTracing {
  tracer: Tracer;
  traced: ClientTracing;
}

/**
 * The Tracer of a Lambda handler (the functions' default wiring only): X-Ray active tracing is on for
 * every function (infra/handler-function.ts). Outside Lambda (no AWS_EXECUTION_ENV) Powertools turns it
 * off and `traced` returns the client untouched. HTTP requests are not traced on their own: the only
 * ones are the SDK's (traced per client) and the chat webhook's, whose URL is a credential.
 */
export function lambdaTracing(): LambdaTracing {
  const tracer = new Tracer({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
    captureHTTPsRequests: false,
  });
  return { tracer, traced: (client) => tracer.captureAWSv3Client(client) };
}
