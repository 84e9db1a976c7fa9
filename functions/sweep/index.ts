import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from '../../domain/zod';
import { sqsWorkQueue } from '../../adapters/sqs/work-queue';
import type { SweepWork } from '../../domain/sweep';
import { readEnv } from '../shared/env';
import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { createSweepHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

const env = readEnv(z.object({ SWEEP_QUEUE_URL: z.string().check(z.minLength(1)) }));

export const handler = createSweepHandler({
  ...createObservability(),
  tracer,
  ...lifecycleDepsFromEnv(traced),
  queue: sqsWorkQueue<SweepWork>(traced(new SQSClient({})), env.SWEEP_QUEUE_URL),
});
