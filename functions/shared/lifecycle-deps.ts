import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from '../../domain/zod';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { createLifecyclePublisher } from '../../adapters/eventbridge/lifecycle-publisher';
import { sqsWorkQueue } from '../../adapters/sqs/work-queue';
import { createJourneyStarter, queuedStarter } from '../../adapters/stepfunctions/journey-starter';
import { systemClock } from '../../domain/clock';
import { scaleFromEnv } from '../../domain/config/scale';
import { spreadOverSweeps } from '../../domain/journey/occasions';
import { stateMachineArns } from '../../domain/journey/state-machine-name';
import { readEnv, StateMachineArnPrefix } from './env';
import type { ClientTracing } from './lambda-tracer';
import { bundledWorkflows, LIFECYCLE_PARTS, lifecycleRules } from './workflows';

/**
 * The AWS wiring shared by the two ways a customer moves along the lifecycle: ingest-event and sweep (and
 * feedback, delivery-events). Journey starts are queued; resumes and stops are direct. `traced` wraps
 * each SDK client (lambda-tracer.ts).
 */
export function lifecycleDepsFromEnv(traced: ClientTracing = (client) => client) {
  const env = readEnv(
    z.object({
      TABLE_NAME: z.string().check(z.minLength(1)),
      STATE_MACHINE_ARN_PREFIX: StateMachineArnPrefix,
      EVENT_BUS_NAME: z.string().check(z.minLength(1)),
      // Journey starts go through the start queue (start-journey makes them at a bounded rate).
      START_QUEUE_URL: z.url(),
      // Minutes between sweeps (the stack's sweepEvery): the occasions' spread is cut to whole intervals.
      SWEEP_EVERY_MINUTES: z.optional(z.coerce.number().check(z.int(), z.positive())),
    }),
  );
  const workflows = bundledWorkflows(LIFECYCLE_PARTS);
  const rules = lifecycleRules(workflows);
  return {
    ...rules,
    store: createCustomerStore(traced(new DynamoDBClient({})), env.TABLE_NAME, {
      dueShards: scaleFromEnv(process.env).dueShards,
    }),
    starter: queuedStarter(
      createJourneyStarter(
        traced(new SFNClient({})),
        stateMachineArns(
          env.STATE_MACHINE_ARN_PREFIX,
          rules.journeys.map((j) => j.id),
        ),
      ),
      sqsWorkQueue(traced(new SQSClient({})), env.START_QUEUE_URL),
    ),
    clock: systemClock,
    calendar: spreadOverSweeps(
      workflows.calendar,
      env.SWEEP_EVERY_MINUTES === undefined ? undefined : env.SWEEP_EVERY_MINUTES * 60_000,
    ),
    publisher: createLifecyclePublisher(traced(new EventBridgeClient({})), env.EVENT_BUS_NAME),
  };
}
