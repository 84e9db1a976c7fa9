import type { BranchStep, SplitStep } from '../schema';
import { journeyStepTask, type StepCompiler } from './context';
import { decisionPath, routeStateName } from './names';

/**
 * A branch or a split: the journey-step task decides (and records) the path, then a Choice follows it.
 * The decision is made in a Task, not in ASL, so that it is recorded once and a retry agrees with it.
 */
export const compileDecision: StepCompiler<BranchStep | SplitStep> = (ctx) => {
  const { step } = ctx;
  const paths =
    step.type === 'branch'
      ? step.paths.map((p) => ({ name: p.name, when: p.when }))
      : step.paths.map((p) => ({ name: p.name, percent: p.percent, holdout: p.holdout ?? false }));
  const route = routeStateName(step.id);
  const comment =
    step.type === 'branch'
      ? 'Decide which path this customer takes'
      : 'Assign this customer to a path (fixed per customer)';
  return [
    [
      step.id,
      journeyStepTask(ctx, comment, step.type, { paths }, { ResultPath: decisionPath(step.id), Next: route }),
    ],
    [
      route,
      {
        Type: 'Choice',
        Comment: `Follow the path chosen at ${step.id}`,
        Choices: step.paths.map((p) => ({
          Variable: `${decisionPath(step.id)}.path`,
          StringEquals: p.name,
          Next: p.next,
        })),
        // A split always decides one of its paths; the first is only there because ASL needs a Default.
        Default: step.type === 'branch' ? step.default : step.paths[0]!.next,
      },
    ],
  ];
};
