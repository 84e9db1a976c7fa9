/**
 * How long the AWS calls a handler makes take, in the capacity model: typical in-region latencies
 * (p50 to p90 as AWS and users report them, on the slow side). An invocation holds its Lambda slot for the
 * sum of the calls it makes, one after another as the handler awaits them (its own CPU is not counted:
 * it is small beside these).
 */
export const LATENCY_MS = {
  /** Lambda's own overhead per invocation (warm), added to what the handler awaits. */
  invoke: 5,
  /** One DynamoDB request (GetItem, PutItem, Query page, conditional write). */
  dynamo: 5,
  /** SQS SendMessageBatch, and an event source mapping's receive. */
  sqs: 10,
  /** Step Functions StartExecution, SendTaskSuccess, StopExecution. */
  stepFunctions: 30,
  /** SES SendRawEmail, or an SMS. */
  ses: 60,
  /** EventBridge PutEvents. */
  eventBridge: 20,
} as const;
