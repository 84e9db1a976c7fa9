import type { UpdateStep } from '../schema';
import { flowTo } from './asl';
import { fusedBranchParameter, journeyStepTask, type StepCompiler } from './context';
import { decisionPath } from './names';

/**
 * An update is one Task, unless the send right after it applies it. It keeps no result; when its Task
 * decides the branch after it too (see fusion.ts), the decision is kept where the branch's own Task would
 * keep it.
 */
export const compileUpdate: StepCompiler<UpdateStep> = (ctx) => {
  const { step, next, decides, foldedInto } = ctx;
  // The send after it applies it (see fusion.ts and compile/send.ts).
  if (foldedInto !== undefined) return [];
  const update = updateParameter(step);
  const result = decides
    ? {
        ResultSelector: { 'path.$': '$.decision.path', 'holdout.$': '$.decision.holdout' },
        ResultPath: decisionPath(decides.id),
      }
    : { ResultPath: null };
  return [
    [
      step.id,
      journeyStepTask(
        ctx,
        'Update the customer profile',
        'update',
        { update, ...(decides ? fusedBranchParameter(decides) : {}) },
        { ...result, ...flowTo(next) },
      ),
    ],
  ];
};

/** An update step's changes as a Task passes them, every list present. */
export function updateParameter(step: UpdateStep): {
  set: Record<string, unknown>;
  addTags: string[];
  removeTags: string[];
} {
  return { set: step.set ?? {}, addTags: step.addTags ?? [], removeTags: step.removeTags ?? [] };
}
