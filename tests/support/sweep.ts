import type { SweepWork } from '../../domain/sweep';
import type { CustomerStore, LifecycleDeps } from '../../domain/ports';
import { createSweepHandler } from '../../functions/sweep/handler';
import { createSweepWorkerHandler } from '../../functions/sweep-worker/handler';
import type { Observability } from '../../functions/shared/observability';
import { inlineQueue } from '../../local/inline-queue';
import { invokeLambda } from '../../local/lambda';

/**
 * The sweep's coordinator handler with its queue delivered at once to the sweep-worker handler, both
 * wired to `deps`, as `npm start` wires them: a test invokes the coordinator and sees the whole sweep.
 * `workerStore`: the worker's own (a table's storeFor('sweep-worker'): its role is not the coordinator's).
 */
export function wiredSweepHandler(
  deps: LifecycleDeps & Observability,
  workerStore: CustomerStore = deps.store,
) {
  const worker = createSweepWorkerHandler({ ...deps, store: workerStore });
  const queue = inlineQueue<SweepWork>('rapport-sweep', (event) =>
    invokeLambda('rapport-sweep-worker', worker, event),
  );
  return createSweepHandler({ ...deps, queue });
}
