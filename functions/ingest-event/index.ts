import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { createComprehendClassifier } from '../../adapters/sentiment/comprehend';
import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { bundledWorkflows } from '../shared/workflows';
import { createIngestEventHandler } from './handler';

export const handler = createIngestEventHandler({
  ...createObservability(),
  ...lifecycleDepsFromEnv(),
  sentiment: createComprehendClassifier(new ComprehendClient({})),
  eventTimes: bundledWorkflows().settings.events,
});
