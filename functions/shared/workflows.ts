import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Workflows } from '../../domain/config/load';

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
