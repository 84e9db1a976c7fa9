import { lazyComprehendClassifier } from '../../adapters/sentiment/lazy-comprehend';
import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { linkSigningSecret } from '../shared/secrets';
import { bundledWorkflows, WORKFLOW_PARTS } from '../shared/workflows';
import { createFeedbackHandler } from './handler';
import { lambdaTracing } from '../shared/lambda-tracer';

const { tracer, traced } = lambdaTracing();

const { settings } = bundledWorkflows(WORKFLOW_PARTS.feedback);

export const handler = createFeedbackHandler({
  ...createObservability(),
  tracer,
  ...lifecycleDepsFromEnv(traced),
  sentiment: lazyComprehendClassifier(traced),
  linkSecret: linkSigningSecret(process.env, traced),
  brandName: settings.brand.name,
  locales: settings.locales,
  defaultLocale: settings.defaultLocale,
});
