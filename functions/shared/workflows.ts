import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedJourney, Workflows } from '../../domain/config/load';
import type { LifecycleDeps } from '../../domain/ports';
import type { AnyFunctionName } from '../routes';

/**
 * The file beside the bundle that holds the workflows the stack was built from, loaded, checked and
 * compiled at synth (infra/function-bundles.ts): a cold start reads data, not YAML.
 */
export const WORKFLOWS_FILE = 'workflows.json';

/** The workflows as a handler's package carries them: journeys without their compiled ASL (the stack deploys that). */
export type WorkflowsData = Omit<Workflows, 'dir' | 'warnings' | 'journeys'> & {
  journeys: Pick<LoadedJourney, 'journey'>[];
};
export type WorkflowPart = keyof WorkflowsData;

/** What moving a customer along the lifecycle reads (lifecycleRules, functions/shared/lifecycle-deps.ts). */
export const LIFECYCLE_PARTS = [
  'settings',
  'calendar',
  'lifecycle',
  'journeys',
  'sendWindowSeconds',
] as const satisfies readonly WorkflowPart[];

/**
 * The parts of the workflows each function reads at cold start, and all its package carries of them: a
 * cold start parses no compiled ASL (most of the workflows' bytes) and no templates it never renders.
 */
export const WORKFLOW_PARTS = {
  'accept-event': ['settings'],
  'ingest-event': LIFECYCLE_PARTS,
  'start-journey': ['journeys'],
  'send-message': ['settings', 'templates', 'layouts'],
  'journey-step': [],
  unsubscribe: ['settings'],
  sweep: LIFECYCLE_PARTS,
  'sweep-worker': LIFECYCLE_PARTS,
  'delivery-events': LIFECYCLE_PARTS,
  feedback: LIFECYCLE_PARTS,
  'alarm-chat': [],
} as const satisfies Record<AnyFunctionName, readonly WorkflowPart[]>;

/** The parts of `workflows` a function's package carries (see WORKFLOW_PARTS). */
export function workflowParts(workflows: Workflows, name: AnyFunctionName): Partial<WorkflowsData> {
  const data: Partial<Record<WorkflowPart, unknown>> = {};
  for (const part of WORKFLOW_PARTS[name] as readonly WorkflowPart[])
    data[part] =
      part === 'journeys' ? workflows.journeys.map(({ journey }) => ({ journey })) : workflows[part];
  return data as Partial<WorkflowsData>;
}

let cached: Partial<WorkflowsData> | undefined;

/**
 * The parts of the workflows packaged with the handler (`parts`: WORKFLOW_PARTS of the function, or what
 * a shared wiring reads); read once per container. A part the package lacks fails the cold start.
 */
export function bundledWorkflows<P extends WorkflowPart>(parts: readonly P[]): Pick<WorkflowsData, P> {
  // __dirname is the package root (/var/task): the bundle is its index.js.
  cached ??= JSON.parse(
    readFileSync(process.env.WORKFLOWS_FILE ?? join(__dirname, WORKFLOWS_FILE), 'utf8'),
  ) as Partial<WorkflowsData>;
  const missing = parts.filter((p) => !(p in cached!) && p !== 'sendWindowSeconds');
  if (missing.length > 0)
    throw new Error(`${WORKFLOWS_FILE} lacks ${missing.join(', ')}: add them to WORKFLOW_PARTS`);
  return cached as Pick<WorkflowsData, P>;
}

/**
 * What moving a customer along the lifecycle reads of the workflows, wired alike by every handler that
 * ingests or sweeps, on Lambda and locally (the calendar apart: the sweep spreads its occasions).
 */
export function lifecycleRules(
  w: Pick<WorkflowsData, 'lifecycle' | 'journeys' | 'settings' | 'sendWindowSeconds'>,
): Pick<LifecycleDeps, 'lifecycle' | 'journeys' | 'customEvents' | 'exclusiveGroups' | 'sendWindowSeconds'> {
  return {
    lifecycle: w.lifecycle,
    journeys: w.journeys.map((j) => j.journey),
    customEvents: w.settings.customEvents,
    exclusiveGroups: w.settings.exclusiveGroups,
    sendWindowSeconds: w.sendWindowSeconds,
  };
}
