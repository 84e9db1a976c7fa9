import * as z from 'zod';
import { Duration } from './duration';
import { Slug } from './ids';
import { expect } from './problems';

/**
 * What happens in an exclusive group when a customer already in one of its journeys is to enter another:
 * a higher-priority entry pre-empts (stops) the running journey; an equal or lower one is not started.
 */
export const ExclusiveGroup = z
  .strictObject({
    description: z.string().min(1).optional().describe('What the group is for.'),
    onHigherPriority: z
      .enum(
        ['preempt', 'wait'],
        expect('"preempt" (stop the running lower-priority journey) or "wait" (start once it has ended)'),
      )
      .default('preempt')
      .describe(
        'preempt: a higher-priority entry stops the journey of the group the customer is in (recorded on both entries). wait: it waits, recorded on its entry, and starts when that journey ends (at most `waitAtMost`). An entry of equal or lower priority is not started either way.',
      ),
    waitAtMost: z
      ._default(Duration, '30d')
      .describe(
        'With `wait`: the longest a higher-priority entry waits for the running journey to end; past it the waiting entry expires, recorded, never started.',
      ),
  })
  .describe('Journeys naming this group in `exclusive` never run at once for one customer.');
export type ExclusiveGroup = z.infer<typeof ExclusiveGroup>;

export const ExclusiveGroups = z
  .record(Slug, ExclusiveGroup)
  .default({})
  .describe(
    'Groups of journeys a customer is in at most one of at a time (e.g. reactivation), by name; journeys join one with `exclusive: <name>` and rank with `priority`.',
  );
export type ExclusiveGroups = z.infer<typeof ExclusiveGroups>;

/** The share of customers who get no marketing at all: the program's own holdout. */
export const ControlGroup = z
  .strictObject({
    percent: z
      .number(expect('a percentage from 0 to 50, e.g. 5'))
      .min(0, expect('a percentage from 0 to 50'))
      .max(50, expect('a percentage from 0 to 50 (a control group larger than half measures little)'))
      .describe('The share of customers held out of every marketing message (0: none).'),
    salt: z
      .string(expect('any text, e.g. "2027-h1"'))
      .min(1)
      .default('control-1')
      .describe(
        'Which customers are drawn: the same salt keeps the same customers; a new one draws a new group.',
      ),
  })
  .describe(
    'A stable percentage of customers who enter journeys as everyone does but get no marketing message from any of them (transactional messages still go), to measure the whole program against.',
  );
export type ControlGroup = z.infer<typeof ControlGroup>;

export const NO_CONTROL_GROUP: ControlGroup = { percent: 0, salt: 'control-1' };
