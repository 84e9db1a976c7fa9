import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from '../../domain/zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { scaleFromEnv } from '../../domain/config/scale';
import { createJourneyStarter } from '../../adapters/stepfunctions/journey-starter';
import { systemClock } from '../../domain/clock';
import type { LifecyclePublisher } from '../../domain/ports';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import { readEnv, StateMachineArnPrefix } from '../shared/env';
import { createObservability } from '../shared/observability';
import { bundledWorkflows, lifecycleRules, WORKFLOW_PARTS } from '../shared/workflows';
import { createDeliveryEventsHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

const env = readEnv(
  z.object({ TABLE_NAME: z.string().check(z.minLength(1)), STATE_MACHINE_ARN_PREFIX: StateMachineArnPrefix }),
);
const workflows = bundledWorkflows(WORKFLOW_PARTS['delivery-events']);
const rules = lifecycleRules(workflows);

/**
 * Engagement events change no stage or tier (ingest does not even write their profile: applyToProfile in
 * domain/ingest.ts), so there is no change to announce here: this function needs no event bus. Should
 * that ever change, the error says so rather than losing the change.
 */
const noLifecycleChanges: LifecyclePublisher = {
  publish: async (changes) => {
    if (changes.length)
      throw new Error(`delivery-events cannot announce ${changes.length} lifecycle change(s)`);
  },
};

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
      rules.journeys.map((j) => j.id),
    ),
  ),
  clock: systemClock,
  ...rules,
  calendar: workflows.calendar,
  publisher: noLifecycleChanges,
});
