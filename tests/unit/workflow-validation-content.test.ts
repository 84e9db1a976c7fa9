import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOWS_DIR } from '../support/paths';
import { acceptedWith, journey, problemsOf } from '../support/problems';

// Templates, sends, experiments and the lifecycle; the journeys' own rules: workflow-validation.test.ts.

/** Only first-small-purchase, for tests of a lifecycle the other shipped journeys would not fit. */
const ONLY_FIRST_JOURNEY = Object.fromEntries(
  readdirSync(join(WORKFLOWS_DIR, 'journeys'))
    .filter((name) => name !== 'first-small-purchase.yaml')
    .map((name) => [`journeys/${name}`, null]),
);

describe('workflow validation', () => {
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
