import { lazyComprehendClassifier } from '../../adapters/sentiment/lazy-comprehend';
import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { linkSigningSecret } from '../shared/secrets';
import { bundledWorkflows } from '../shared/workflows';
import { createFeedbackHandler } from './handler';

const { settings } = bundledWorkflows();

export const handler = createFeedbackHandler({
  ...createObservability(),
  ...lifecycleDepsFromEnv(),
  sentiment: lazyComprehendClassifier(),
  linkSecret: linkSigningSecret(),
  brandName: settings.brand.name,
  locales: settings.locales,
  defaultLocale: settings.defaultLocale,
});
