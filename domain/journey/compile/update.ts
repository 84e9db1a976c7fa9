import type { UpdateStep } from '../schema';
import { flowTo } from './asl';
import { journeyStepTask, type StepCompiler } from './context';

export const compileUpdate: StepCompiler<UpdateStep> = (ctx) => {
  const { step, next } = ctx;
  const update = { set: step.set ?? {}, addTags: step.addTags ?? [], removeTags: step.removeTags ?? [] };
  return [
    [
      step.id,
      journeyStepTask(
        ctx,
        'Update the customer profile',
        'update',
        { update },
        {
          ResultPath: null,
          ...flowTo(next),
        },
      ),
    ],
  ];
};
