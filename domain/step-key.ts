import { hash } from 'node:crypto';

/**
 * One step of one execution as a key: deterministic, so a retry of the step (or a later Task acting for
 * it) finds what its first attempt stored. Messages and decisions are keyed by it.
 */
export function stepKey(executionId: string, stepId: string): string {
  // One-shot: a Hash object per call cost three times as much, and every send and decision makes one.
  return hash('sha256', `${executionId}\u0000${stepId}`, 'hex').slice(0, 32);
}
