import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from '../../domain/zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { scaleFromEnv } from '../../domain/config/scale';
import { systemClock } from '../../domain/clock';
import { readEnv } from '../shared/env';
import { createObservability } from '../shared/observability';
import { linkSigningSecret } from '../shared/secrets';
import { bundledWorkflows, WORKFLOW_PARTS } from '../shared/workflows';
import { createUnsubscribeHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

const env = readEnv(z.object({ TABLE_NAME: z.string().check(z.minLength(1)) }));
const { settings } = bundledWorkflows(WORKFLOW_PARTS.unsubscribe);

export const handler = createUnsubscribeHandler({
  ...createObservability(),
  tracer,
  store: createCustomerStore(traced(new DynamoDBClient({})), env.TABLE_NAME, {
    dueShards: scaleFromEnv(process.env).dueShards,
  }),
  clock: systemClock,
  linkSecret: linkSigningSecret(process.env, traced),
  brandName: settings.brand.name,
  locales: settings.locales,
  defaultLocale: settings.defaultLocale,
  topics: settings.topics,
  consentPolicy: settings.consent,
});
