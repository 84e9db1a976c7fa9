import { relative } from 'node:path';
import { loadWorkflows } from '../../domain/config/load';
import { ConfigValidationError, type Problem } from '../../domain/errors';
import { workflowsWith } from './workflows';

/** The problems `loadWorkflows` reports for a scratch copy of the shipped workflows with `files` replaced. */
export function problemsOf(files: Record<string, string | null>): {
  problems: readonly Problem[];
  message: string;
  dir: string;
} {
  const wf = workflowsWith(files);
  try {
    loadWorkflows(wf.dir);
  } catch (e) {
    if (!(e instanceof ConfigValidationError)) throw e;
    return { problems: e.problems, message: e.message, dir: relative(process.cwd(), wf.dir) };
  } finally {
    wf.cleanup();
  }
  throw new Error('expected the workflows to be rejected');
}

/** Whether `loadWorkflows` accepts the shipped workflows with `files` replaced (its problems if not). */
export function acceptedWith(files: Record<string, string | null>): readonly Problem[] {
  const wf = workflowsWith(files);
  try {
    loadWorkflows(wf.dir);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigValidationError)) throw e;
    return e.problems;
  } finally {
    wf.cleanup();
  }
}

/** A first-small-purchase journey file with this body (the id must stay first-small-purchase). */
export const journey = (body: string) => ({ 'journeys/first-small-purchase.yaml': body });

/** The lines of a first-small-purchase journey before its steps: five, so the first step is on line 6. */
const JOURNEY_HEAD = `id: first-small-purchase
version: 1
description: d
entry: { event: purchase }
steps:
`;

/** A first-small-purchase journey file of these steps (YAML list items) under a minimal head. */
export const journeyWithSteps = (steps: string) => journey(`${JOURNEY_HEAD}${steps}`);
