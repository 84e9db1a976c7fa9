import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { createSweepWorkerHandler } from './handler';

export const handler = createSweepWorkerHandler({ ...createObservability(), ...lifecycleDepsFromEnv() });
