import { lazyComprehendClassifier } from '../../adapters/sentiment/lazy-comprehend';
import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { bundledWorkflows } from '../shared/workflows';
import { createIngestEventHandler } from './handler';

export const handler = createIngestEventHandler({
  ...createObservability(),
  ...lifecycleDepsFromEnv(),
  sentiment: lazyComprehendClassifier(),
  eventTimes: bundledWorkflows().settings.events,
});
