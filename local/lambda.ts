import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Any Lambda handler as middy exports it: the same module runs on AWS and here. */
export type LambdaHandler<E = unknown, R = unknown> = (event: E, context: Context) => Promise<R>;

/** Invokes a handler the way the Lambda runtime does, with a context object of the same shape. */
export function invokeLambda<E, R>(
  functionName: string,
  handler: LambdaHandler<E, R>,
  event: E,
  timeoutMs = 60_000,
): Promise<R> {
  const started = Date.now();
  const requestId = randomUUID();
  const context: Context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localLambdaArn(functionName),
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  return handler(event, context);
}

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

export function localLambdaArn(functionName: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`;
}
