import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { createSweepHandler } from './handler';

export const handler = createSweepHandler({ ...createObservability(), ...lifecycleDepsFromEnv() });
