import type { UpdateStep } from '../schema';
import { flowTo } from './asl';
import { fusedBranchParameter, journeyStepTask, type StepCompiler } from './context';
import { decisionPath } from './names';

/**
 * An update keeps no result; when its Task decides the branch after it too (see fusion.ts), the decision
 * is kept where the branch's own Task would keep it.
 */
export const compileUpdate: StepCompiler<UpdateStep> = (ctx) => {
  const { step, next, decides } = ctx;
  const update = { set: step.set ?? {}, addTags: step.addTags ?? [], removeTags: step.removeTags ?? [] };
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
