import { loadWorkflows } from '../../domain/config/load';
import { WORKFLOWS_DIR } from '../support/paths';
import { journey, problemsOf } from '../support/problems';
import { SHIPPED_JOURNEY_IDS } from '../support/workflows';

// The journeys' own rules; the templates, sends, experiments and lifecycle: workflow-validation-content.test.ts.

describe('workflow validation', () => {
  it('accepts the shipped workflows', () => {
    const w = loadWorkflows(WORKFLOWS_DIR);
    expect(w.journeys.map((j) => j.journey.id)).toEqual(SHIPPED_JOURNEY_IDS);
    expect(w.settings.locales).toEqual(['en', 'zh-CN']);
  });

  it('reports every problem of a journey at once, each with file, line, column, field, value and expectation', () => {
    const { problems, message, dir } = problemsOf(
      journey(`id: first-small-purchase
version: 0
description: test
entry:
  stage: frist-purchase
steps:
  - id: thank-you
    type: send
    channel: email
    template: first-purchase-thank
  - id: pause
    type: wait
    duration: 3 days
  - id: bad
    type: sms
  - id: done
    type: exit
    extra: 1
`),
    );
    const file = `${dir}/journeys/first-small-purchase.yaml`;
    expect(
      problems.map(({ source, line, column, field, value }) => ({ source, line, column, field, value })),
    ).toEqual([
      { source: file, line: 2, column: 10, field: 'version', value: 0 },
      { source: file, line: 5, column: 10, field: 'entry.stage', value: 'frist-purchase' },
      { source: file, line: 7, column: 5, field: 'steps[0].topic', value: undefined },
      { source: file, line: 10, column: 15, field: 'steps[0].template', value: 'first-purchase-thank' },
      { source: file, line: 13, column: 15, field: 'steps[1].duration', value: '3 days' },
      { source: file, line: 15, column: 11, field: 'steps[2].type', value: 'sms' },
      { source: file, line: 18, column: 12, field: 'steps[3].extra', value: 1 },
    ]);
    expect(message).toContain(
      `${file}:13:15 steps[1].duration: got "3 days"; expected a duration such as "30m", "12h", "3d" or "2w"`,
    );
    expect(message).toContain(
      `${file}:15:11 steps[2].type: got "sms"; expected a step type, one of "send", "wait", "wait-for-event", "branch", "split", "update", "task", "exit"`,
    );
    expect(message).toContain(
      `${file}:5:10 entry.stage: got "frist-purchase"; expected a lifecycle stage: prospect, lost, dormant, first-purchase, reactivated, loyal, active`,
    );
    expect(message).toContain(
      'known: birthday-greeting, check-in, first-purchase-step-up, first-purchase-thanks, first-purchase-tips',
    );
  });

  it('points at YAML syntax errors', () => {
    const { problems } = problemsOf(journey('id: first-small-purchase\nsteps: [\n'));
    expect(problems[0]).toMatchObject({
      line: expect.any(Number),
      field: 'YAML',
      expected: expect.stringContaining('a "]" closing the list opened with "[" here'),
    });
  });

  it('rejects duplicate keys, which YAML would otherwise silently overwrite', () => {
    const { problems } = problemsOf(journey('id: first-small-purchase\nid: again\n'));
    expect(problems.filter((p) => p.line === 2)).toEqual([
      expect.objectContaining({ field: 'YAML', expected: expect.stringContaining('each key once') }),
    ]);
  });

  it('rejects a wait beyond Step Functions’ one-year limit', () => {
    const { problems } = problemsOf(
      journey(`id: first-small-purchase
version: 1
description: d
entry: { event: purchase }
steps:
  - { id: forever, type: wait, duration: 53w }
`),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'steps[0].duration',
        value: '53w',
        expected: expect.stringContaining('at most 365d'),
      }),
    ]);
  });

  it('rejects steps after an exit (they could never run), duplicate step ids and unknown where-fields', () => {
    const { problems } = problemsOf(
      journey(`id: first-small-purchase
version: 1
description: d
entry:
  stage: first-purchase
  where: { firstPurchaseSmal: true }
steps:
  - { id: a, type: exit }
  - { id: a, type: wait, duration: 1d }
`),
    );
    expect(problems.map((p) => [p.field, p.expected])).toEqual([
      ['entry.where.firstPurchaseSmal', expect.stringContaining('no such field here')],
      ['steps[1].id', 'a step id used only once in this journey'],
    ]);
  });

  it('rejects a journey a customer could spend more than a year in (Step Functions would cut it off)', () => {
    const { problems } = problemsOf(
      journey(`id: first-small-purchase
version: 1
description: d
entry: { event: purchase }
steps:
  - { id: half-a-year, type: wait, duration: 200d }
  - { id: birthday, type: wait, until: { anniversary: birthday } }
  - { id: and-more, type: wait, duration: 200d }
`),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'steps[0]',
        line: 6,
        value: 'half-a-year → birthday → and-more (up to 750 days)',
        expected: expect.stringContaining('more than 365 days'),
      }),
    ]);
  });

  it('requires exactly one of entry.stage or entry.event', () => {
    const { problems } = problemsOf(
      journey(`id: first-small-purchase
version: 1
description: d
entry: { stage: first-purchase, event: purchase }
steps: [{ id: x, type: exit }]
`),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'entry',
        line: 4,
        expected: expect.stringContaining('exactly one of "stage"'),
      }),
    ]);
  });

  it('checks date entries and the stages, tiers and holidays that conditions name', () => {
    const { problems } = problemsOf(
      journey(`id: first-small-purchase
version: 1
description: d
entry:
  date: { holiday: [spring-festival, new-year] }
  where: { stage: [active, royal], tier: vpi }
steps:
  - id: which
    type: branch
    paths: [{ name: a, when: { stage: dormnat }, next: bye }]
    default: bye
  - { id: bye, type: exit }
`),
    );
    expect(problems.map((p) => [p.field, p.value, p.expected])).toEqual([
      [
        'entry.date.holiday[1]',
        'new-year',
        expect.stringContaining('a holiday listed in settings.yaml: spring-festival'),
      ],
      [
        'entry.where.stage[1]',
        'royal',
        expect.stringContaining('a lifecycle stage: prospect, lost, dormant'),
      ],
      ['entry.where.tier', 'vpi', 'a customer tier: vip, regular'],
      ['steps[0].paths[0].when.stage', 'dormnat', expect.stringContaining('a lifecycle stage')],
    ]);
    const both = problemsOf(
      journey(`id: first-small-purchase
version: 1
description: d
entry: { date: { anniversary: birthday, holiday: christmas }, stage: loyal }
steps: [{ id: bye, type: exit }]
`),
    );
    expect(both.problems.map((p) => [p.field, p.expected])).toEqual([
      ['entry', expect.stringContaining('exactly one of "stage"')],
      ['entry.date', expect.stringContaining('exactly one of "anniversary" (e.g. birthday) or "holiday"')],
    ]);
    // Profile dates: built-in business dates and attributes; processing times and a calendar-year wait refused.
    const dates = problemsOf(
      journey(`id: first-small-purchase
version: 1
description: d
entry: { date: { anniversary: createdAt } }
steps:
  - { id: year, type: wait, duration: 1y }
  - { id: again, type: wait, until: { anniversary: firstPurchaseAt } }
`),
    );
    expect(dates.problems.map((p) => [p.field, p.value, p.expected])).toEqual([
      ['entry.date.anniversary', 'createdAt', expect.stringContaining('a business date: firstPurchaseAt')],
      [
        'steps[0].duration',
        '1y',
        expect.stringMatching(
          /"1y" \(a calendar year, 365 or 366 days\) is not a number of seconds, which a wait or a timeout is compiled to in the state machine .* accepted in reEntry.every, goal.within, an experiment's metric.within and lifecycle windows/,
        ),
      ],
    ]);
  });
});
