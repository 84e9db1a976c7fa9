import { lazyComprehendClassifier } from '../../adapters/sentiment/lazy-comprehend';
import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { bundledWorkflows } from '../shared/workflows';
import { createIngestEventHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

export const handler = createIngestEventHandler({
  ...createObservability(),
  tracer,
  ...lifecycleDepsFromEnv(traced),
  sentiment: lazyComprehendClassifier(traced),
  eventTimes: bundledWorkflows().settings.events,
});
