import { estimateJourney, EVENTS, stepCost } from '../../domain/journey/limits';
import { GraphStep } from '../../domain/journey/skeleton';
import { maxThrottledRounds } from '../../domain/messages/throttle';
import { acceptedWith, journeyWithSteps, problemsOf } from '../support/problems';

const DAY = 86_400;
const ctx = { marketingPauseSeconds: 30 * DAY };
const steps = (list: unknown[]) => ({ steps: list.map((s) => GraphStep.parse(s)) });
describe('journey limits: worst-case time and Step Functions history events', () => {
  it('counts a wait for a time of day alone as at most a day; a holiday or anniversary as 350 days', () => {
    const cost = (until: object) => stepCost(GraphStep.parse({ id: 'w', type: 'wait', until }), ctx);
    expect(cost({ timeOfDay: '10:00' }).seconds).toBe(DAY);
    expect(cost({ holiday: 'christmas' }).seconds).toBe(350 * DAY);
    expect(cost({ anniversary: 'birthday', within: '14d' }).seconds).toBe(14 * DAY);
    // Task (5) with 6 retries of 3, then the Wait (2).
    expect(cost({ timeOfDay: '10:00' }).events).toBe(EVENTS.task + 6 * EVENTS.perRetry + EVENTS.wait);
  });

  it('counts a marketing send as deferred by the care pause, then by quiet hours, and a day of throttling', () => {
    const send = (category: string) =>
      stepCost(GraphStep.parse({ id: 's', type: 'send', category }), ctx).seconds;
    expect(send('marketing')).toBe(32 * DAY);
    expect(send('transactional')).toBe(2 * DAY);
  });

  it('counts the history events of every throttled round a send may go through before it gives up', () => {
    const send = stepCost(GraphStep.parse({ id: 's', type: 'send', category: 'transactional' }), ctx);
    const lambdaTask = EVENTS.task + EVENTS.lambdaRetries * EVENTS.perRetry;
    const sendTask = lambdaTask + EVENTS.throttleRetries * EVENTS.perRetry;
    const round = lambdaTask + EVENTS.wait + sendTask;
    // One quiet-hours deferral and maxThrottledRounds() (28) throttled rounds, then the failure's Task.
    expect(maxThrottledRounds()).toBe(28);
    expect(send.events).toBe(sendTask + 29 * round + lambdaTask);
  });

  it('calls a loop unbounded, with the cost of one round', () => {
    const estimate = estimateJourney(
      steps([
        { id: 'w', type: 'wait-for-event', event: 'purchase', timeout: '30d', onEvent: 'x', onTimeout: 'r' },
        { id: 'r', type: 'task', next: 'w' },
        { id: 'x', type: 'exit' },
      ]),
      ctx,
    );
    expect(estimate).toMatchObject({ unbounded: true, path: ['w', 'r'], seconds: 30 * DAY });
  });

  it('accepts a wait for a time of day after 363 days (it was counted as 350 days)', () => {
    expect(
      acceptedWith(
        journeyWithSteps(`  - { id: long, type: wait, duration: 363d }
  - { id: morning, type: wait, until: { timeOfDay: '10:00' } }
  - { id: done, type: exit }
`),
      ),
    ).toEqual([]);
  });

  it('refuses a loop with a wait, naming the file, the steps and the estimate', () => {
    const { problems, dir } = problemsOf(
      journeyWithSteps(`  - { id: wait-a-month, type: wait-for-event, event: purchase, timeout: 30d, onEvent: done, onTimeout: remind }
  - { id: remind, type: task, assignee: service-team, title: Call them, next: wait-a-month }
  - { id: done, type: exit }
`),
    );
    expect(problems).toEqual([
      {
        source: `${dir}/journeys/first-small-purchase.yaml`,
        line: 6,
        column: 5,
        field: 'steps[0]',
        value: 'loop wait-a-month → remind → wait-a-month (each round up to 30 days and ~43 history events)',
        expected: expect.stringContaining('a journey without loops: nothing bounds how often'),
      },
    ]);
  });

  it('refuses a journey that can write more than 25,000 history events', () => {
    const updates = Array.from(
      { length: 1100 },
      (_, i) => `  - { id: u${i}, type: update, addTags: [t] }\n`,
    ).join('');
    const { problems } = problemsOf(journeyWithSteps(updates));
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'steps[0]',
        line: 6,
        value: expect.stringMatching(/^1100 steps, u0 → u1 → .* \(up to ~25302 history events\)$/),
        expected: expect.stringContaining('a journey of at most 25000 history events'),
      }),
    ]);
  });

  it('refuses a send after a holdout path, directly or later, naming the split and the send', () => {
    const { problems } = problemsOf(
      journeyWithSteps(`  - id: test
    type: split
    paths:
      - { name: offer, percent: 90, next: done }
      - { name: control, percent: 10, next: pause, holdout: true }
  - { id: pause, type: wait, duration: 1d }
  - { id: thanks, type: send, channel: email, template: first-purchase-thanks, category: transactional }
  - { id: done, type: exit }
`),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'steps[0].paths[1].holdout',
        line: 10,
        value: 'holdout path "control" of split "test" reaches send "thanks" (test → pause → thanks)',
        expected: expect.stringContaining('a holdout path that sends nothing'),
      }),
    ]);
  });
});
