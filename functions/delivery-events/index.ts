import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { scaleFromEnv } from '../../domain/config/scale';
import { createJourneyStarter } from '../../adapters/stepfunctions/journey-starter';
import { systemClock } from '../../domain/clock';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import { readEnv, StateMachineArnPrefix } from '../shared/env';
import { createObservability } from '../shared/observability';
import { bundledWorkflows } from '../shared/workflows';
import { createDeliveryEventsHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

const env = readEnv(
  z.object({ TABLE_NAME: z.string().min(1), STATE_MACHINE_ARN_PREFIX: StateMachineArnPrefix }),
);
const journeys = bundledWorkflows().journeys.map((j) => j.journey);

export const handler = createDeliveryEventsHandler({
  ...createObservability(),
  tracer,
  store: createCustomerStore(traced(new DynamoDBClient({})), env.TABLE_NAME, {
    dueShards: scaleFromEnv(process.env).dueShards,
  }),
  starter: createJourneyStarter(
    traced(new SFNClient({})),
    stateMachineArns(
      env.STATE_MACHINE_ARN_PREFIX,
      journeys.map((j) => j.id),
    ),
  ),
  clock: systemClock,
  journeys,
});
