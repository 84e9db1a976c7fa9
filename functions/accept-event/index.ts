import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from '../../domain/zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { sqsWorkQueue } from '../../adapters/sqs/work-queue';
import { systemClock } from '../../domain/clock';
import { readEnv } from '../shared/env';
import { createObservability } from '../shared/observability';
import { bundledWorkflows, WORKFLOW_PARTS } from '../shared/workflows';
import { createAcceptEventHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

const env = readEnv(z.object({ TABLE_NAME: z.string().check(z.minLength(1)), INGEST_QUEUE_URL: z.url() }));

const { settings } = bundledWorkflows(WORKFLOW_PARTS['accept-event']);

export const handler = createAcceptEventHandler({
  ...createObservability(),
  tracer,
  store: createCustomerStore(traced(new DynamoDBClient({})), env.TABLE_NAME),
  clock: systemClock,
  ingestQueue: sqsWorkQueue(traced(new SQSClient({})), env.INGEST_QUEUE_URL),
  eventTimes: settings.events,
  customEvents: settings.customEvents,
});
