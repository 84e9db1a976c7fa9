import { durationSeconds } from '../../config/duration';
import type { WaitStep } from '../schema';
import { flowTo } from './asl';
import { journeyStepTask, type StepCompiler } from './context';
import { schedulePath, stateName } from './names';

/**
 * A wait for a duration is one Wait state. A wait until a local time, holiday or anniversary asks the
 * journey-step task for the instant (it needs the customer's time zone and dates), then waits for it.
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
  const waitState = stateName(step.id, 'until');
  const extra = {
    until,
    calendar: [until.holiday ?? []].flat().flatMap((h) => calendar.holidays[h] ?? []),
    defaultTimeZone: calendar.defaultTimeZone,
  };
  return [
    [
      step.id,
      journeyStepTask(ctx, `Find ${what}${until.timeOfDay} in the customer's time zone`, 'schedule', extra, {
        ResultPath: schedulePath(step.id),
        Next: waitState,
      }),
    ],
    [
      waitState,
      {
        Type: 'Wait',
        Comment: `Wait until ${what}${until.timeOfDay} local time`,
        TimestampPath: `${schedulePath(step.id)}.at`,
        ...flowTo(next),
      },
    ],
  ];
};
