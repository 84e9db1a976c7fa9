import { loadWorkflows } from '../../domain/config/load';
import { goalDeadPaths } from '../../domain/journey/goal-dead-paths';
import { Journey } from '../../domain/journey/schema';
import { parseYaml } from '../../domain/config/source';
import { WORKFLOWS_DIR } from '../support/paths';
import { workflowsWith } from '../support/workflows';

const DAY = 86_400;
const shipped = loadWorkflows(WORKFLOWS_DIR);
const ctx = {
  marketingPauseSeconds: 30 * DAY,
  stages: shipped.lifecycle.stages,
  futureSkewSeconds: DAY,
};

/**
 * first-small-purchase as it was up to version 3, with its bought-again branch (`min` purchases, then an
 * exit), its sends of `category` and its goal's window as given.
 */
const boughtAgain = ({ category = 'marketing', min = 2, within = '30d' } = {}) => `id: first-small-purchase
version: 3
description: test
entry: { stage: first-purchase, where: { firstPurchaseSmall: true } }
goal: { event: purchase, within: ${within} }
steps:
  - { id: thank-you, type: send, channel: email, template: first-purchase-thanks, topic: service, category: ${category} }
  - { id: let-it-arrive, type: wait, duration: 3d }
  - { id: how-to-get-the-most, type: send, channel: email, template: first-purchase-tips, topic: service, category: ${category} }
  - { id: give-it-time, type: wait, duration: 11d }
  - id: bought-again
    type: branch
    paths: [{ name: 'yes', when: { purchaseCount: { min: ${min} } }, next: done }]
    default: suggest-next-step
  - { id: suggest-next-step, type: send, channel: email, template: first-purchase-step-up, topic: offers }
  - { id: done, type: exit }
`;
const parse = (text: string) => Journey.parse(parseYaml('first-small-purchase.yaml', text).data);

describe('a way on that the goal rules out', () => {
  it('is a branch path found when every customer reaches the branch within the goal window with at most one purchase', () => {
    // Transactional sends wait out quiet hours at most (2 days each, as the limits count them): the branch
    // is at most 2 + 3 + 2 + 11 = 18 days after the entry, and any purchase by then ended the journey.
    expect(goalDeadPaths(parse(boughtAgain({ category: 'transactional' })), ctx)).toEqual([
      expect.objectContaining({
        stepId: 'bought-again',
        name: 'yes',
        min: 2,
        entryMax: 1,
        latestSeconds: 18 * DAY,
      }),
    ]);
  });

  it.each([
    // A complaint pauses marketing sends for 30 days: the branch can come after the window has closed,
    // when a purchase no longer ends the journey (the shipped version 3 was right to keep its branch
    // for that case, though no simulated customer ever took it).
    ['marketing sends a care pause can hold back', { category: 'marketing' }],
    ['a path a customer can meet on entering', { category: 'transactional', min: 1 }],
    ['a goal window the branch can come after', { category: 'transactional', within: '19d' }],
  ])('is not reported for %s', (_what, options) => {
    expect(goalDeadPaths(parse(boughtAgain(options)), ctx)).toEqual([]);
  });

  it.each([
    ['14d', 1],
    ['29d', 0],
  ])(
    "includes a wait for the goal's event whose timeout (%s) ends within the window: %i",
    (timeout, found) => {
      const comeBack = parse(`id: come-back-soon
version: 1
description: test
entry: { event: profile }
goal: { event: purchase, within: 30d }
steps:
  - { id: wait-for-purchase, type: wait-for-event, event: purchase, timeout: ${timeout}, onEvent: thanks, onTimeout: nudge }
  - { id: thanks, type: send, channel: email, template: check-in, topic: offers, next: done }
  - { id: nudge, type: send, channel: email, template: we-miss-you, topic: offers, next: done }
  - { id: done, type: exit }
`);
      expect(goalDeadPaths(comeBack, ctx)).toEqual(
        Array(found).fill({ kind: 'wait-for-event', step: 0, stepId: 'wait-for-purchase', latestSeconds: 0 }),
      );
    },
  );

  it('is a warning of validate, with file and line: the workflows still load', () => {
    const wf = workflowsWith({
      'journeys/first-small-purchase.yaml': boughtAgain({ category: 'transactional' }),
    });
    try {
      const { warnings, journeys } = loadWorkflows(wf.dir);
      expect(journeys.map((j) => j.journey.id)).toContain('first-small-purchase');
      expect(warnings).toEqual([
        expect.objectContaining({
          source: expect.stringMatching(/journeys\/first-small-purchase\.yaml$/),
          line: 13,
          field: 'steps[4].paths[0].when.purchaseCount.min',
        }),
      ]);
    } finally {
      wf.cleanup();
    }
  });

  it('is never reported for the shipped journeys', () => {
    expect(shipped.warnings).toEqual([]);
  });
});
