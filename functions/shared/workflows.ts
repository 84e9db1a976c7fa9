import { join } from 'node:path';
import { loadWorkflows, type Workflows } from '../../domain/config/load';

let cached: Workflows | undefined;

/** The workflows bundled beside the handler (Lambda) or the project's own (locally); loaded once per process. */
export function bundledWorkflows(): Workflows {
  cached ??= loadWorkflows(process.env.WORKFLOWS_DIR ?? join(process.cwd(), 'workflows'));
  return cached;
}
