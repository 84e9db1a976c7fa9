import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from '../../domain/zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { createJourneyStarter } from '../../adapters/stepfunctions/journey-starter';
import { scaleFromEnv } from '../../domain/config/scale';
import { createPacer, startConsumerRate } from '../../domain/pacing';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import { bundledWorkflows, WORKFLOW_PARTS } from '../shared/workflows';
import { readEnv, StateMachineArnPrefix } from '../shared/env';
import { createObservability } from '../shared/observability';
import { createStartJourneyHandler, STARTS_SIDE_BY_SIDE } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

const env = readEnv(
  z.object({ TABLE_NAME: z.string().check(z.minLength(1)), STATE_MACHINE_ARN_PREFIX: StateMachineArnPrefix }),
);
const journeyIds = bundledWorkflows(WORKFLOW_PARTS['start-journey']).journeys.map((j) => j.journey.id);

// Module scope: the bucket lives as long as this consumer (one of at most startConcurrency at once).
export const handler = createStartJourneyHandler({
  ...createObservability(),
  tracer,
  store: createCustomerStore(traced(new DynamoDBClient({})), env.TABLE_NAME),
  starter: createJourneyStarter(
    traced(new SFNClient({})),
    stateMachineArns(env.STATE_MACHINE_ARN_PREFIX, journeyIds),
  ),
  pacer: createPacer(startConsumerRate(scaleFromEnv(process.env)), {
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
  }),
  concurrency: STARTS_SIDE_BY_SIDE,
});
