import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { createJourneyStarter } from '../../adapters/stepfunctions/journey-starter';
import { scaleFromEnv } from '../../domain/config/scale';
import { createPacer, startConsumerRate } from '../../domain/pacing';
import { JsonRecord, readEnv } from '../shared/env';
import { createObservability } from '../shared/observability';
import { createStartJourneyHandler } from './handler';

const env = readEnv(z.object({ TABLE_NAME: z.string().min(1), JOURNEY_STATE_MACHINES: JsonRecord }));

// Module scope: the bucket lives as long as this consumer (one of at most startConcurrency at once).
export const handler = createStartJourneyHandler({
  ...createObservability(),
  store: createCustomerStore(new DynamoDBClient({}), env.TABLE_NAME),
  starter: createJourneyStarter(new SFNClient({}), env.JOURNEY_STATE_MACHINES),
  pacer: createPacer(startConsumerRate(scaleFromEnv(process.env)), {
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
  }),
  // Enough side by side to reach this consumer's rate through StartExecution's latency.
  concurrency: 4,
});
