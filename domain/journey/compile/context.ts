import type { Journey, Step } from '../schema';
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
}

/** Compiles one step to its states, the step's own state first. */
export type StepCompiler<S extends Step> = (ctx: StepContext<S>) => NamedState[];

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
