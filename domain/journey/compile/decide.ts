import { assertNever } from '../../assert-never';
import type { DecidingStep } from '../fusion';
import type { BranchStep, SplitStep } from '../schema';
import type { ChoiceState } from './asl';
import { branchEventParameter, branchPaths, journeyStepTask, type StepCompiler } from './context';
import { decisionPath, routeStateName, sendPath } from './names';

/**
 * A branch or a split: the journey-step task decides (and records) the path, then a Choice follows it.
 * The decision is made in a Task, not in ASL, so that it is recorded once and a retry agrees with it.
 * A branch the Task before it decides (see fusion.ts) is its Choice alone, named after the step.
 */
export const compileDecision: StepCompiler<BranchStep | SplitStep> = (ctx) => {
  const { step, decidedAt } = ctx;
  if (decidedAt !== undefined && step.type === 'branch') return [[step.id, route(step, decidedAt)]];
  const paths =
    step.type === 'branch'
      ? branchPaths(step)
      : step.paths.map((p) => ({ name: p.name, percent: p.percent, holdout: p.holdout ?? false }));
  const comment =
    step.type === 'branch'
      ? 'Decide which path this customer takes'
      : 'Assign this customer to a path (fixed per customer)';
  return [
    [
      step.id,
      journeyStepTask(
        ctx,
        comment,
        step.type,
        // Only an experiment that routes its winner has the Task read the verdict: no read for any other split.
        step.type === 'branch'
          ? { paths, ...branchEventParameter(step) }
          : step.experiment?.onWinner === 'route'
            ? { paths, route: true }
            : { paths },
        { ResultPath: decisionPath(step.id), Next: routeStateName(step.id) },
      ),
    ],
    [routeStateName(step.id), route(step, `${decisionPath(step.id)}.path`)],
  ];
};

function route(step: BranchStep | SplitStep, variable: string): ChoiceState {
  return {
    Type: 'Choice',
    Comment: `Follow the path chosen at ${step.id}`,
    Choices: step.paths.map((p) => ({ Variable: variable, StringEquals: p.name, Next: p.next })),
    // A split always decides one of its paths; the first is only there because ASL needs a Default.
    Default: step.type === 'branch' ? step.default : step.paths[0]!.next,
  };
}

/** Where the Task of the step before a fused branch puts the path it decided: the Choice reads it there. */
export function decisionVariable(by: DecidingStep, branchId: string): string {
  switch (by.type) {
    // Beside the send's outcome, which the send's Task and its `-failed` Task both write.
    case 'send':
      return `${sendPath(by.id)}.decision.path`;
    // An update keeps no result of its own: the decision goes where the branch's own Task would put it.
    case 'update':
      return `${decisionPath(branchId)}.path`;
    default:
      return assertNever(by);
  }
}
