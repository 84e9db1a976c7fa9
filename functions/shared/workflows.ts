import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Workflows } from '../../domain/config/load';
import type { LifecycleDeps } from '../../domain/ports';

/**
 * The file beside the bundle that holds the workflows the stack was built from, loaded, checked and
 * compiled at synth (infra/function-bundles.ts): a cold start reads data, not YAML.
 */
export const WORKFLOWS_FILE = 'workflows.json';

let cached: Workflows | undefined;

/** The workflows packaged with the handler; read once per container. */
export function bundledWorkflows(): Workflows {
  // __dirname is the package root (/var/task): the bundle is its index.js.
  cached ??= JSON.parse(
    readFileSync(process.env.WORKFLOWS_FILE ?? join(__dirname, WORKFLOWS_FILE), 'utf8'),
  ) as Workflows;
  return cached;
}

/**
 * What moving a customer along the lifecycle reads of the workflows, wired alike by every handler that
 * ingests or sweeps, on Lambda and locally (the calendar apart: the sweep spreads its occasions).
 */
export function lifecycleRules(
  w: Workflows,
): Pick<LifecycleDeps, 'lifecycle' | 'journeys' | 'customEvents' | 'exclusiveGroups' | 'sendWindowSeconds'> {
  return {
    lifecycle: w.lifecycle,
    journeys: w.journeys.map((j) => j.journey),
    customEvents: w.settings.customEvents,
    exclusiveGroups: w.settings.exclusiveGroups,
    sendWindowSeconds: w.sendWindowSeconds,
  };
}
