import { lifecycleDepsFromEnv } from '../shared/lifecycle-deps';
import { createObservability } from '../shared/observability';
import { createIngestEventHandler } from './handler';

export const handler = createIngestEventHandler({ ...createObservability(), ...lifecycleDepsFromEnv() });
