import { branchReadsEvent } from '../event-input';
import type { BranchStep, Journey, Step, UpdateStep } from '../schema';
import type { CatchRule, Flow, NamedState, TaskState } from './asl';
import { JOURNEY_STEP_RESOURCE, type Calendar } from './resources';
import { lambdaRetry } from './retry';

/** What a step compiler knows: the step, its journey, and where the journey goes after it. */
export interface StepContext<S extends Step = Step> {
  journey: Journey;
  step: S;
  /** The step after this one (its `next`, else the step below), or undefined when the journey ends here. */
  next: string | undefined;
  calendar: Calendar;
  /** The branch right after this step, when this step's Task decides it too (see fusion.ts). */
  decides?: BranchStep | undefined;
  /** For a branch the Task before it decides: where that Task puts the path (the Choice's Variable). */
  decidedAt?: string | undefined;
  /** For a first step waiting until a computed instant: the starter computed it (see fusion.ts). */
  scheduledAtStart?: boolean;
  /** For a send: the update step right before it, which its Task applies first (see fusion.ts). */
  applies?: UpdateStep | undefined;
  /** For an update the send after it applies: that send's id. The update then has no state of its own. */
  foldedInto?: string | undefined;
}

/** Compiles one step to its states, the step's own state first. */
export type StepCompiler<S extends Step> = (ctx: StepContext<S>) => NamedState[];

/** A branch's paths as its deciding Task receives them: each path's name and condition. */
export function branchPaths(
  branch: BranchStep,
): { name: string; when: BranchStep['paths'][number]['when'] }[] {
  return branch.paths.map((p) => ({ name: p.name, when: p.when }));
}

/** The entry event's properties, for a Task deciding a branch that tests them (none otherwise). */
export function branchEventParameter(branch: BranchStep): Record<string, string> {
  return branchReadsEvent(branch) ? { 'event.$': '$.event' } : {};
}

/** What a Task passes to decide the branch after its own work: the branch's id and paths. */
export function fusedBranchParameter(branch: BranchStep): Record<string, unknown> {
  return { branch: { stepId: branch.id, paths: branchPaths(branch), ...branchEventParameter(branch) } };
}

/** A Task on the journey-step Lambda: the step's own definition travels in the ASL, so a version in flight keeps it. */
export function journeyStepTask(
  ctx: StepContext,
  comment: string,
  action: string,
  extra: Record<string, unknown>,
  result: { ResultSelector?: Record<string, string>; ResultPath: string | null; Catch?: CatchRule[] } & Flow,
): TaskState {
  return {
    Comment: comment,
    Type: 'Task',
    Resource: JOURNEY_STEP_RESOURCE,
    Parameters: {
      action,
      'customerId.$': '$.customerId',
      journeyId: ctx.journey.id,
      journeyVersion: ctx.journey.version,
      stepId: ctx.step.id,
      'executionId.$': '$$.Execution.Id',
      ...extra,
    },
    TimeoutSeconds: 60,
    Retry: lambdaRetry(),
    ...result,
  };
}
