import { lazyComprehendClassifier } from '../../adapters/sentiment/lazy-comprehend';
import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { bundledWorkflows, WORKFLOW_PARTS } from '../shared/workflows';
import { createIngestEventHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

export const handler = createIngestEventHandler({
  ...createObservability(),
  tracer,
  ...lifecycleDepsFromEnv(traced),
  sentiment: lazyComprehendClassifier(traced),
  eventTimes: bundledWorkflows(WORKFLOW_PARTS['ingest-event']).settings.events,
});
