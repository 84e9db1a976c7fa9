import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkflows } from '../../domain/config/load';
import { WORKFLOWS_DIR } from '../support/local';
import { acceptedWith, journey, problemsOf } from '../support/problems';
import { SHIPPED_JOURNEY_IDS } from '../support/workflows';

/** Only first-small-purchase, for tests of a lifecycle the other shipped journeys would not fit. */
const ONLY_FIRST_JOURNEY = Object.fromEntries(
  readdirSync(join(WORKFLOWS_DIR, 'journeys'))
    .filter((name) => name !== 'first-small-purchase.yaml')
    .map((name) => [`journeys/${name}`, null]),
);

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

  it('requires a template in every shipped locale', () => {
    const { problems } = problemsOf({ 'templates/first-purchase-tips/zh-CN.yaml': null });
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'steps[2].template',
        value: 'first-purchase-tips',
        expected: 'a zh-CN version: workflows/templates/first-purchase-tips/zh-CN.yaml',
      }),
    ]);
  });

  it('requires the email frame to keep the unsubscribe link', () => {
    const { problems } = problemsOf({
      'templates/_layout/en.yaml':
        'unsubscribeLabel: Unsubscribe\nsmsOptOut: Reply STOP to opt out\ntext: "{{ content }}"\nhtml: "{{ content }} {{ unsubscribeUrl }}"\n',
    });
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'text',
        line: 3,
        expected: expect.stringContaining('{{ unsubscribeUrl }}'),
      }),
    ]);
  });

  it('checks each send step has what its channel needs, and a known topic', () => {
    const { problems } = problemsOf({
      'journeys/first-small-purchase.yaml': readFileSync(
        join(WORKFLOWS_DIR, 'journeys', 'first-small-purchase.yaml'),
        'utf8',
      )
        .replace(
          'channel: email\n    template: first-purchase-thanks',
          'channel: sms\n    template: first-purchase-thanks',
        )
        .replace('topic: offers', 'topic: offer'),
    });
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'steps[0].template',
        expected: 'an sms text in workflows/templates/first-purchase-thanks/en.yaml',
      }),
      expect.objectContaining({
        field: 'steps[0].template',
        expected: 'an sms text in workflows/templates/first-purchase-thanks/zh-CN.yaml',
      }),
      expect.objectContaining({
        field: 'steps[4].topic',
        value: 'offer',
        expected: 'a topic listed in settings.yaml: greetings, offers, events, service',
      }),
    ]);
  });

  it('rejects Liquid that does not parse', () => {
    const { problems } = problemsOf({
      'templates/first-purchase-tips/en.yaml': 'subject: "Hi {{ customer.firstName"\ntext: t\nhtml: h\n',
    });
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'subject',
        line: 1,
        expected: expect.stringContaining('valid Liquid'),
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

  it('refuses a bad experiment with file, line, field, value and what is expected', () => {
    const split = (experiment: string, goal = 'goal: { event: purchase, within: 30d }') =>
      journey(`id: first-small-purchase
version: 1
description: d
entry: { event: purchase }
${goal}
steps:
  - id: ab
    type: split
    paths:
      - { name: a, percent: 50, next: done }
      - { name: b, percent: 50, next: done }
    experiment: ${experiment}
  - { id: done, type: exit }
`);
    const fields = (files: Record<string, string>) => {
      const { problems, dir } = problemsOf(files);
      const file = `${dir}/journeys/first-small-purchase.yaml`;
      return problems.map((p) => [p.source === file, p.line, p.field, p.value, p.expected]);
    };
    expect(
      fields(split('{ metric: { event: complaint, within: 60d }, minSample: 10, onWinner: always }')),
    ).toEqual([
      [
        true,
        12,
        'steps[0].experiment.metric.event',
        'complaint',
        expect.stringContaining(`the journey's goal event, "purchase"`),
      ],
      [
        true,
        12,
        'steps[0].experiment.metric.within',
        '60d',
        expect.stringContaining("at most the goal's window, 30d"),
      ],
      [
        true,
        12,
        'steps[0].experiment.minSample',
        10,
        expect.stringContaining('at least 30 customers per arm'),
      ],
      [
        true,
        12,
        'steps[0].experiment.onWinner',
        'always',
        '"route" (send new entrants to the winner) or "report"',
      ],
    ]);
    expect(fields(split('{ metric: { event: purchase }, minSample: 100 }', ''))).toEqual([
      [true, 12, 'steps[0].experiment', 'ab', expect.stringContaining('a goal on the journey')],
    ]);
    expect(
      acceptedWith(split('{ metric: { event: purchase, within: 14d }, minSample: 100, onWinner: route }')),
    ).toEqual([]);
    // A calendar year (365 or 366 days) in goal and metric windows: a metric window within the goal's.
    const yearly = (metric: string, goal: string) =>
      split(
        `{ metric: { event: purchase, within: ${metric} }, minSample: 100 }`,
        `goal: { event: purchase, within: ${goal} }`,
      );
    expect(acceptedWith(yearly('1y', '1y'))).toEqual([]);
    expect(acceptedWith(yearly('365d', '1y'))).toEqual([]);
    expect(fields(yearly('1y', '365d')).map((p) => p.slice(2))).toEqual([
      ['steps[0].experiment.metric.within', '1y', expect.stringContaining("at most the goal's window, 365d")],
    ]);
    expect(fields(yearly('1y', '52w')).map((p) => p.slice(2, 4))).toEqual([
      ['steps[0].experiment.metric.within', '1y'],
    ]);
  });

  it('checks the lifecycle: a catch-all stage last, nothing after it, and journeys only on known stages', () => {
    const { problems } = problemsOf({
      ...ONLY_FIRST_JOURNEY,
      'lifecycle.yaml': `stages:
  - { id: prospect, description: p, when: { purchaseCount: { max: 0 } } }
  - { id: anyone, description: a, when: {} }
  - { id: unreachable, description: u, when: { noPurchaseFor: 90d } }
firstPurchase: { smallAmount: { CNY: 200, usd: 30 } }
`,
    });
    expect(
      problems.map((p) => [
        p.source?.endsWith('lifecycle.yaml') ? 'lifecycle' : 'journey',
        p.field,
        p.expected,
      ]),
    ).toEqual([
      ['journey', 'entry.stage', 'a lifecycle stage: prospect, anyone, unreachable'],
      ['lifecycle', 'stages[2]', 'no stage after "anyone", which matches everyone (it could never apply)'],
      ['lifecycle', 'firstPurchase.smallAmount.usd', expect.stringContaining('ISO 4217')],
    ]);
  });

  it('requires a stage that matches everyone', () => {
    const { problems } = problemsOf({
      ...ONLY_FIRST_JOURNEY,
      'lifecycle.yaml': `stages:
  - { id: prospect, description: p, when: { purchaseCount: { max: 0 } } }
  - { id: first-purchase, description: f, when: { purchaseCount: { min: 1 } } }
firstPurchase: { smallAmount: { CNY: 200 } }
`,
    });
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'stages[1].when',
        line: 3,
        expected: expect.stringContaining('`when: {}`'),
      }),
    ]);
  });
});
