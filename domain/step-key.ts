import { createHash } from 'node:crypto';

/**
 * One step of one execution as a key: deterministic, so a retry of the step (or a later Task acting for
 * it) finds what its first attempt stored. Messages and decisions are keyed by it.
 */
export function stepKey(executionId: string, stepId: string): string {
  return createHash('sha256').update(`${executionId}\u0000${stepId}`).digest('hex').slice(0, 32);
}
