import * as z from '../zod';
import type { Clock } from '../clock';
import { ProfileNotFoundError } from '../errors';
import type { CustomerStore } from '../ports';
import type { Profile } from '../profile/profile';
import { stepKey } from '../step-key';
import { explainCondition, pathHeld, type DecisionExplanation, type PathExplanation } from './explain';
import { CustomerCondition, EntryEventProperties } from './step-inputs';

/** A branch's paths as the compiled ASL passes them: each path's name and its condition. */
export const BranchPaths = z.array(z.strictObject({ name: z.string(), when: CustomerCondition }));
export type BranchPaths = z.infer<typeof BranchPaths>;

/**
 * A branch the Task before it decides after its own work (see fusion.ts): the branch step's id and paths,
 * and the entry event's properties when a path tests them. That Task's own step id is the one in its
 * input; the decision is recorded under the branch's.
 */
export const FusedBranch = z.strictObject({
  stepId: z.string().check(z.minLength(1)),
  paths: BranchPaths,
  event: z.optional(EntryEventProperties),
});
export type FusedBranch = z.infer<typeof FusedBranch>;

export interface Decision {
  path: string;
  holdout: boolean;
}

/** A decision as made, with how: the explanation is stored, the Task returns only the decision. */
export type ExplainedDecision = Decision & { explanation: DecisionExplanation };

/** Which step of which execution a decision is for. */
export interface DecisionOrigin {
  customerId: string;
  journeyId: string;
  journeyVersion: number;
  stepId: string;
  executionId: string;
}

type Deps = { store: CustomerStore; clock: Clock };

/**
 * The first path whose condition holds; none is the empty string, and the Choice then takes its Default.
 * The explanation holds the paths evaluated on the way, each with its checks.
 */
export function decideBranch(
  paths: BranchPaths,
  profile: Profile,
  event?: EntryEventProperties,
): ExplainedDecision {
  const evaluated: PathExplanation[] = [];
  for (const p of paths) {
    const path = { name: p.name, checks: explainCondition(p.when, profile, event) };
    evaluated.push(path);
    if (pathHeld(path))
      return { path: p.name, holdout: false, explanation: { kind: 'branch', paths: evaluated } };
  }
  return { path: '', holdout: false, explanation: { kind: 'branch', paths: evaluated } };
}

/**
 * Stores a decision the first time and returns it as stored on any retry, so a customer never takes two
 * paths at the same step of an execution.
 */
export async function recordPath(
  origin: DecisionOrigin,
  kind: 'branch' | 'split',
  decided: Decision & { explanation?: DecisionExplanation },
  deps: Deps,
): Promise<Decision> {
  const stored = await deps.store.recordDecision({
    customerId: origin.customerId,
    decisionKey: stepKey(origin.executionId, origin.stepId),
    journeyId: origin.journeyId,
    journeyVersion: origin.journeyVersion,
    stepId: origin.stepId,
    executionId: origin.executionId,
    kind,
    path: decided.path,
    holdout: decided.holdout,
    at: deps.clock.now().toISOString(),
    ...(decided.explanation && { explanation: decided.explanation }),
  });
  return { path: stored.path, holdout: stored.holdout };
}

/**
 * Decides a branch for the Task before it, once that Task's own work is done: the customer as they are
 * now, recorded under the branch's step id, exactly as the `branch` action would have a moment later.
 */
export async function decideFusedBranch(
  task: Omit<DecisionOrigin, 'stepId'>,
  branch: FusedBranch,
  deps: Deps,
): Promise<Decision> {
  const profile = await deps.store.getProfile(task.customerId);
  if (!profile) throw new ProfileNotFoundError(`customer ${task.customerId} has no profile`);
  const origin = { ...task, stepId: branch.stepId };
  return recordPath(origin, 'branch', decideBranch(branch.paths, profile, branch.event), deps);
}
