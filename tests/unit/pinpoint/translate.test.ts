import { mapCondition } from '../../../domain/migrate/pinpoint/conditions';
import { rapportDuration } from '../../../domain/migrate/pinpoint/durations';
import { idAllocator, slugOf } from '../../../domain/migrate/pinpoint/ids';
import { defaultSubstitutions, translateText } from '../../../domain/migrate/pinpoint/variables';
import {
  importEmailTemplate,
  importSmsTemplate,
  textOfHtml,
} from '../../../domain/migrate/pinpoint/templates';

describe('Pinpoint message variables to Liquid', () => {
  it('translates the customer variables, keeping default substitutions as Liquid defaults', () => {
    const r = translateText(
      'Hi {{User.UserAttributes.FirstName}} ({{Address}}), {{Attributes.first_name}}',
      'email',
      { 'User.UserAttributes.FirstName': 'there' },
    );
    expect(r.text).toBe(
      'Hi {{ customer.firstName | default: "there" }} ({{ customer.email }}), {{ customer.firstName }}',
    );
    expect(r.unmapped).toEqual([]);
  });

  it('names each variable it cannot map, putting its default substitution (or nothing) in its place', () => {
    const r = translateText('{{Address}} in {{Attributes.City}}, {{User.UserId}}!', 'sms', {
      'Attributes.City': 'your city',
    });
    expect(r.text).toBe(' in your city, !');
    expect(r.unmapped).toEqual(['{{Address}}', '{{Attributes.City}}', '{{User.UserId}}']);
  });

  it('turns if/unless/else on a mapped variable into Liquid, and drops other helpers as unmapped', () => {
    const r = translateText(
      '{{#if User.UserAttributes.FirstName}}Hi {{User.UserAttributes.FirstName}}{{else}}Hello{{/if}}{{#each Attributes.Items}}{{this}}{{/each}}',
      'email',
      {},
    );
    expect(r.text).toBe('{% if customer.firstName %}Hi {{ customer.firstName }}{% else %}Hello{% endif %}');
    expect(r.unmapped).toEqual(['{{#each Attributes.Items}}', '{{this}}', '{{/each}}']);
  });

  it("keeps Liquid's own syntax literal, as Pinpoint showed it", () => {
    expect(translateText('100{% off', 'sms', {}).text).toBe('100{% raw %}{%{% endraw %} off');
  });

  it('reads DefaultSubstitutions, ignoring what is not a JSON object of texts', () => {
    expect(defaultSubstitutions('{"a":"x","b":1}')).toEqual({ a: 'x' });
    expect(defaultSubstitutions('not json')).toEqual({});
    expect(defaultSubstitutions(undefined)).toEqual({});
  });

  it('makes the text part of an HTML-only email from its HTML, and says so', () => {
    expect(textOfHtml('<style>p{}</style><p>A &amp; B</p><p>C<br>D</p>')).toBe('A & B\n\nC\nD');
    const t = importEmailTemplate({ TemplateName: 'Only_Html', Subject: 'S', HtmlPart: '<p>Hi</p>' });
    expect(t.id).toBe('only-html');
    expect(t.template).toEqual({ subject: 'S', html: '<p>Hi</p>', text: 'Hi' });
    expect(t.entries.map((e) => e.status)).toEqual(['exact', 'approximated']);
  });
});

describe('Pinpoint templates to Rapport templates', () => {
  it('keeps the body of a whole HTML document, saying so when its head had styles', () => {
    const t = importEmailTemplate({
      TemplateName: 'Doc',
      Subject: 'S',
      HtmlPart: '<html><head><style>p{color:red}</style></head><body class="x"> <p>Hi</p> </body></html>',
      TextPart: 'Hi',
    });
    expect(t.template.html).toBe('<p>Hi</p>');
    expect(t.entries.map((e) => e.detail)).toContainEqual(
      expect.stringContaining('<head> styles were left out'),
    );
  });

  it('points out an SMS opt-out line that Rapport would add a second time', () => {
    const t = importSmsTemplate({ TemplateName: 'Promo', Body: 'Sale today! Reply STOP to opt out' });
    expect(t.template).toEqual({ sms: 'Sale today! Reply STOP to opt out' });
    expect(t.entries.map((e) => e.status)).toEqual(['exact', 'approximated']);
  });
});

describe('ISO 8601 durations to Rapport durations', () => {
  it.each([
    ['P3D', '3d'],
    ['PT12H', '12h'],
    ['P2W', '2w'],
    ['P14D', '2w'],
    ['PT90M', '90m'],
    ['PT30S', '30s'],
    ['P1DT6H', '30h'],
  ])('%s → %s, exactly', (iso, duration) => expect(rapportDuration(iso)).toEqual({ duration }));

  it('reads months and years as 30 and 365 days and caps a wait at 365 days, saying so', () => {
    expect(rapportDuration('P1M')).toEqual({
      duration: '30d',
      approximate: expect.stringContaining('a month as 30'),
    });
    expect(rapportDuration('P2Y').duration).toBe('365d');
    expect(rapportDuration('P2Y').approximate).toContain('cut to 365d');
  });
});

describe('ids', () => {
  it('makes kebab-case ids starting with a letter', () => {
    expect(slugOf('Welcome_Email', 't')).toBe('welcome-email');
    expect(slugOf('wait3Days', 's')).toBe('wait3-days');
    expect(slugOf('2dQZ', 'step')).toBe('step-2d-qz');
    expect(slugOf('x'.repeat(80), 's')).toHaveLength(64);
  });
  it('keeps ids unique', () => {
    const id = idAllocator();
    expect([id('a'), id('a'), id('a')]).toEqual(['a', 'a-2', 'a-3']);
  });
});

describe('Pinpoint conditions to customer conditions', () => {
  const name = (e: string) => e.toLowerCase();
  it('maps an attribute with several values to one alternative per value', () => {
    expect(
      mapCondition(
        {
          SegmentDimensions: {
            UserAttributes: { plan: { AttributeType: 'INCLUSIVE', Values: ['gold', 'vip'] } },
          },
        },
        name,
      ),
    ).toEqual({
      ok: true,
      anyOf: [
        { attribute: { name: 'plan', equals: 'gold' } },
        { attribute: { name: 'plan', equals: 'vip' } },
      ],
      approximations: [],
    });
  });

  it.each([
    ['EQUAL', { equals: 5 }, 0],
    ['GREATER_THAN_OR_EQUAL', { min: 5 }, 0],
    ['LESS_THAN_OR_EQUAL', { max: 5 }, 0],
    ['GREATER_THAN', { min: 5 }, 1],
    ['LESS_THAN', { max: 5 }, 1],
  ] as const)('maps metric %s, approximating strict bounds', (op, bound, approximations) => {
    const r = mapCondition(
      { SegmentDimensions: { Metrics: { orders: { ComparisonOperator: op, Value: 5 } } } },
      name,
    );
    expect(r).toMatchObject({ ok: true, anyOf: [{ attribute: { name: 'orders', ...bound } }] });
    expect(r.ok && r.approximations).toHaveLength(approximations);
  });

  it.each([
    [{ SegmentCondition: { SegmentId: 's1' } }, 'segment s1'],
    [{ SegmentDimensions: { Behavior: {} } }, 'Behavior'],
    [
      { SegmentDimensions: { Attributes: { a: { AttributeType: 'EXCLUSIVE' as const, Values: ['x'] } } } },
      'EXCLUSIVE',
    ],
    [{ EventCondition: { MessageActivity: 'm1' } }, 'an engagement condition on message m1 here'],
    [{}, 'a condition with no'],
  ])('refuses what Rapport cannot test, saying why', (condition, reason) => {
    const r = mapCondition(condition, name);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('maps an event condition to the latest event, with its properties', () => {
    expect(
      mapCondition(
        {
          EventCondition: {
            Dimensions: {
              EventType: { DimensionType: 'INCLUSIVE', Values: ['Viewed'] },
              Attributes: { c: { AttributeType: 'INCLUSIVE', Values: ['shoes'] } },
            },
          },
        },
        name,
      ),
    ).toMatchObject({ ok: true, anyOf: [{ lastEvent: { type: 'viewed', properties: { c: 'shoes' } } }] });
  });
});
