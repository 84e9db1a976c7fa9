import { acceptedWith, journey, journeyWithSteps, problemsOf } from '../support/problems';

describe('validation collects every problem, one plain line per mistake', () => {
  it.each([
    [
      'an unquoted ": " in a value',
      'description: Note: read this\n',
      2,
      14,
      'quote a value that contains ": "',
    ],
    ['an unclosed [', 'steps: [\n', 2, 8, 'a "]" closing the list opened with "[" here'],
    ['an unclosed {', 'entry: { event: purchase\nversion: 1\n', 2, 8, 'a "}" closing the mapping'],
    ['a repeated key', 'id: again\n', 2, 1, 'each key once per mapping'],
    ['a tab as indentation', 'entry:\n\tevent: purchase\n', 3, 1, 'spaces for indentation'],
    [
      'an unclosed quote',
      'description: "d\nversion: 1\n',
      2,
      14,
      'a closing quote for the text that opens here',
    ],
    [
      'a list item under a mapping',
      '- stray\n',
      2,
      1,
      'a list item ("- ") only under a key that holds a list',
    ],
    [
      'keys out of line',
      'entry:\n    event: purchase\n  where: {}\n',
      4,
      1,
      'every key of a mapping at the same column',
    ],
    ['a key without a value', 'oops\nversion: 1\n', 2, 1, 'add the missing ":" after the key'],
  ])('%s: one problem at its line and column, with a hint', (_, body, line, column, hint) => {
    const { problems } = problemsOf(journey(`id: first-small-purchase\n${body}`));
    const yaml = problems.filter((p) => p.field === 'YAML');
    expect(yaml).toEqual([
      expect.objectContaining({ line, column, expected: expect.stringContaining(hint) }),
    ]);
    expect(yaml[0]?.expected).not.toMatch(/[A-Z]{3,}_[A-Z]/); // no parser codes such as MISSING_CHAR
  });

  it('reports a YAML mistake and the other problems of the same file, the graph checks included', () => {
    const { problems, message, dir } = problemsOf(
      journey(`id: first-small-purchase
version: 1
description: Note: read this
entry: { stage: frist-purchase }
steps:
  - { id: hello, type: send, channel: email, template: first-purchase-thanks }
  - { id: done, type: exit }
  - { id: never, type: wait, duration: 1d }
`),
    );
    const file = `${dir}/journeys/first-small-purchase.yaml`;
    // Not "description is required": the mistaken line is read as empty, and that is the one mistake.
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'YAML'],
      [4, 'entry.stage'],
      [6, 'steps[0].topic'],
      [8, 'steps[2]'],
    ]);
    expect(message).toContain(
      `${file}:3:14 YAML: got "description: Note: read this"; expected a value without an unquoted ": " in it: quote a value that contains ": "`,
    );
  });

  it('runs the graph checks when other fields are faulty', () => {
    const { problems } = problemsOf(
      journeyWithSteps(`  - { id: hello, type: send, channel: email, template: first-purchase-thanks }
  - { id: done, type: exit }
  - { id: never, type: wait, duration: 1d }
`),
    );
    expect(problems.map((p) => [p.field, p.expected])).toEqual([
      ['steps[0].topic', expect.stringContaining('a topic for a marketing message')],
      ['steps[2]', expect.stringContaining('nothing leads here')],
    ]);
  });

  it('says what split percentages add up to', () => {
    const { problems } = problemsOf(
      journeyWithSteps(`  - id: test
    type: split
    paths:
      - { name: a, percent: 50, next: done }
      - { name: b, percent: 40, next: done }
  - { id: done, type: exit }
`),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'steps[0].paths',
        expected: 'percentages that add up to 100%: the paths add up to 90%',
      }),
    ]);
  });
});

describe('templates are rendered strictly at validation', () => {
  it('reports an unknown variable and a misspelt filter at their file, field, line and column', () => {
    const { problems, dir } = problemsOf({
      'templates/first-purchase-tips/en.yaml': `subject: Hi {{ customer.frstName }}
text: |
  Hello {{ customer.frstName | defualt: "there" }},
  thanks {{ firstPurchase.amont }}.
html: <p>{{ brand.name }}</p>
sms: 'Hi {{ unsubscribeUrl }}'
`,
    });
    const file = `${dir}/templates/first-purchase-tips/en.yaml`;
    const tag = '{{ customer.frstName | defualt: "there" }}';
    expect(
      problems.map(({ source, line, column, field, value }) => ({ source, line, column, field, value })),
    ).toEqual([
      { source: file, line: 1, column: 13, field: 'subject', value: '{{ customer.frstName }}' },
      // Every mistake of a field, not only the first: the issue's own example has two in one tag.
      { source: file, line: 3, column: 9, field: 'text', value: tag },
      { source: file, line: 3, column: 9, field: 'text', value: tag },
      { source: file, line: 4, column: 10, field: 'text', value: '{{ firstPurchase.amont }}' },
      { source: file, line: 6, column: 10, field: 'sms', value: '{{ unsubscribeUrl }}' },
    ]);
    expect(problems.map((p) => p.expected)).toEqual([
      expect.stringContaining('"customer.frstName" is none of them'),
      expect.stringContaining('a Liquid filter ("defualt" is not one'),
      expect.stringContaining('"customer.frstName" is none of them'),
      expect.stringContaining('"firstPurchase.amont" is none of them'),
      expect.stringContaining('"unsubscribeUrl" is none of them'),
    ]);
  });

  it('accepts every known variable, optional customer fields under `default`, and survey links', () => {
    expect(
      acceptedWith({
        'templates/first-purchase-tips/en.yaml': `subject: 'Hi {{ customer.firstName | default: "there" }}'
text: '{{ customer.email }} {{ customer.locale }} {{ firstPurchase.amount }} {{ unsubscribeUrl }} {{ preferencesUrl }}'
html: '{% for link in survey.links %}{{ link.url }}{% endfor %}'
sms: '{{ brand.name }}'
`,
      }),
    ).toEqual([]);
  });
});
