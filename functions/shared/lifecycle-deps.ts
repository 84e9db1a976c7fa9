import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { createLifecyclePublisher } from '../../adapters/eventbridge/lifecycle-publisher';
import { createJourneyStarter } from '../../adapters/stepfunctions/journey-starter';
import { systemClock } from '../../domain/clock';
import { scaleFromEnv } from '../../domain/config/scale';
import { spreadOverSweeps } from '../../domain/journey/occasions';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import { readEnv, StateMachineArnPrefix } from './env';
import { bundledWorkflows } from './workflows';

/** The AWS wiring shared by the two ways a customer moves along the lifecycle: ingest-event and sweep. */
export function lifecycleDepsFromEnv() {
  const env = readEnv(
    z.object({
      TABLE_NAME: z.string().min(1),
      STATE_MACHINE_ARN_PREFIX: StateMachineArnPrefix,
      EVENT_BUS_NAME: z.string().min(1),
      // Minutes between sweeps (the stack's sweepEvery): the occasions' spread is cut to whole intervals.
      SWEEP_EVERY_MINUTES: z.coerce.number().int().positive().optional(),
    }),
  );
  const workflows = bundledWorkflows();
  const journeys = workflows.journeys.map((j) => j.journey);
  return {
    store: createCustomerStore(new DynamoDBClient({}), env.TABLE_NAME, {
      dueShards: scaleFromEnv(process.env).dueShards,
    }),
    starter: createJourneyStarter(
      new SFNClient({}),
      stateMachineArns(
        env.STATE_MACHINE_ARN_PREFIX,
        journeys.map((j) => j.id),
      ),
    ),
    clock: systemClock,
    lifecycle: workflows.lifecycle,
    calendar: spreadOverSweeps(
      workflows.calendar,
      env.SWEEP_EVERY_MINUTES === undefined ? undefined : env.SWEEP_EVERY_MINUTES * 60_000,
    ),
    publisher: createLifecyclePublisher(new EventBridgeClient({}), env.EVENT_BUS_NAME),
    journeys,
  };
}
