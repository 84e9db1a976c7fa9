/**
 * What the stack gives every function, with stand-in values: enough for any handler's cold start outside
 * Lambda (tests/infra/bundling.test.ts, tests/bench/bundles.ts). Nothing is called with them.
 */
export const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'stand-in',
  AWS_SECRET_ACCESS_KEY: 'stand-in',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_SERVICE_NAME: 'rapport',
  POWERTOOLS_METRICS_NAMESPACE: 'Rapport',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  TABLE_NAME: 'rapport',
  INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest',
  START_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/start',
  SWEEP_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/sweep',
  STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:eu-west-1:123456789012:stateMachine:',
  EVENT_BUS_NAME: 'rapport',
  SENDER_ADDRESS: 'no-reply@example.com',
  PUBLIC_BASE_URL: 'https://example.com',
  LINK_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:link',
  CHAT_FORMAT: 'slack',
  WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:chat',
};
