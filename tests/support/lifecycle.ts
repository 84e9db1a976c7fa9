import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { Journey } from '../../domain/journey/schema';
import { WORKFLOWS_DIR } from './local';

const { lifecycle, calendar } = loadWorkflows(WORKFLOWS_DIR);

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
