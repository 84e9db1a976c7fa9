import { durationSeconds } from '../../config/duration';
import type { WaitStep } from '../schema';
import { untilDefinition } from '../wait-until';
import { flowTo, type WaitState } from './asl';
import { journeyStepTask, type StepCompiler } from './context';
import { schedulePath, stateName } from './names';

/**
 * A wait for a duration is one Wait state. A wait until a local time, holiday or anniversary asks the
 * journey-step task for the instant (it needs the customer's time zone and dates), then waits for it;
 * as a journey's first step, the starter computes the instant instead and the step is the Wait alone.
 */
export const compileWait: StepCompiler<WaitStep> = (ctx) => {
  const { step, next, calendar } = ctx;
  if (step.duration !== undefined)
    return [
      [
        step.id,
        {
          Type: 'Wait',
          Comment: `Wait ${step.duration}`,
          Seconds: durationSeconds(step.duration),
          ...flowTo(next),
        },
      ],
    ];
  const until = step.until!;
  const what = until.holiday
    ? `${until.holiday}, `
    : until.anniversary
      ? `the ${until.anniversary} anniversary, `
      : 'the next ';
  const wait: WaitState = {
    Type: 'Wait',
    Comment: `Wait until ${what}${until.timeOfDay} local time`,
    TimestampPath: `${schedulePath(step.id)}.at`,
    ...flowTo(next),
  };
  // The execution's input holds the instant, computed by the starter (fusion.ts): the Wait is the step.
  if (ctx.scheduledAtStart) return [[step.id, wait]];
  const waitState = stateName(step.id, 'until');
  return [
    [
      step.id,
      journeyStepTask(
        ctx,
        `Find ${what}${until.timeOfDay} in the customer's time zone`,
        'schedule',
        { ...untilDefinition(until, calendar) },
        { ResultPath: schedulePath(step.id), Next: waitState },
      ),
    ],
    [waitState, wait],
  ];
};
