import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { createSweepWorkerHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

export const handler = createSweepWorkerHandler({
  ...createObservability(),
  tracer,
  ...lifecycleDepsFromEnv(traced),
});
