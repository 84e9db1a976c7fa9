import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { Journey } from '../../domain/journey/schema';
import type { CustomerStore, LifecycleDeps } from '../../domain/ports';
import { WORKFLOWS_DIR } from './paths';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const { lifecycle, calendar } = workflows;
const shipped = workflows.journeys.map((j) => j.journey);

/**
 * What ingest and the sweep run on, all in memory: the shipped lifecycle and calendar, a clock fixed at
 * `start`, and only the `journeys` a test names (the shipped ones would start executions it does not expect).
 */
export function lifecycleDeps(start: string, journeys: readonly Journey[] = []) {
  return {
    store: memoryStore(),
    starter: memoryStarter(),
    clock: fixedClock(start),
    lifecycle,
    calendar,
    journeys,
    publisher: memoryPublisher(),
  };
}

/**
 * Ingest's dependencies on `store` with every shipped journey, the starter and the publisher kept in
 * memory so a test can read what was started and announced, and a clock fixed at `now`.
 */
export function shippedLifecycleDeps(store: CustomerStore, now: string) {
  const clock = fixedClock(now);
  const starter = memoryStarter();
  const publisher = memoryPublisher();
  const deps: LifecycleDeps = { store, starter, clock, publisher, lifecycle, calendar, journeys: shipped };
  return { clock, starter, publisher, deps };
}
