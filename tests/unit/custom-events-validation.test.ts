import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkflows } from '../../domain/config/load';
import { previewSend, sampleProfile } from '../../domain/messages/preview';
import { WORKFLOWS_DIR } from '../support/paths';
import { acceptedWith, problemsOf } from '../support/problems';
import { workflowsWith } from '../support/workflows';

const SETTINGS = readFileSync(join(WORKFLOWS_DIR, 'settings.yaml'), 'utf8');
const TEMPLATES = join(__dirname, '..', 'scenarios', 'templates', 'browse-reminder');
const REMINDER = readFileSync(join(__dirname, '..', 'scenarios', 'journeys', 'browse-reminder.yaml'), 'utf8');

/** The shipped workflows with the browse-reminder journey and its templates (en and zh-CN) added. */
function withReminder(files: Record<string, string | null> = {}): Record<string, string | null> {
  return {
    'journeys/browse-reminder.yaml': REMINDER,
    'templates/browse-reminder/en.yaml': readFileSync(join(TEMPLATES, 'en.yaml'), 'utf8'),
    'templates/browse-reminder/zh-CN.yaml': readFileSync(join(TEMPLATES, 'zh-CN.yaml'), 'utf8'),
    ...files,
  };
}

/** The reminder's branch condition, as the journey file writes it. */
const WHEN = `when:
          lastEvent: { type: product-viewed, properties: { category: shoes } }
          event: { price: { gte: 100 } }`;

const brief = (p: { field: string; value?: unknown; expected: string; line?: number | undefined }) =>
  `${p.line}:${p.field}: ${JSON.stringify(p.value)} → ${p.expected}`;

describe('custom events: declarations in settings.yaml', () => {
  it('accepts the shipped product-viewed declaration with a journey and templates that use it', () => {
    expect(acceptedWith(withReminder())).toEqual([]);
  });

  it('reports every problem of the declarations at once, each at its line with field, value and expected', () => {
    const bad = `${SETTINGS}
  purchase: { description: clashes with a built-in type }
  email-opened: { description: clashes with an engagement event }
  Form_Sent: { description: not kebab-case }
  form-abandoned:
    description: ''
    properties:
      step: { type: integer }
      note: { type: number, maxLength: 20 }
      9lives: { type: string }
      constructor: { type: string }
      reason: { type: string, maxLength: 5000, personal: maybe }
`;
    const { problems } = problemsOf({ 'settings.yaml': bad });
    const line = (s: string) => bad.split('\n').findIndex((l) => l.includes(s)) + 1;
    expect(problems.map(brief)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\d+:customEvents\.purchase: "purchase" → a name of your own, not one Rapport uses/,
        ),
        expect.stringMatching(/^\d+:customEvents\.email-opened: "email-opened" → a name of your own/),
        expect.stringMatching(/customEvents\.Form_Sent: .* → an id in lower-case kebab-case/),
        `${line("description: ''")}:customEvents.form-abandoned.description: "" → a sentence saying when this event is sent`,
        `${line('step:')}:customEvents.form-abandoned.properties.step.type: "integer" → "string", "number", "boolean" or "date" (an ISO 8601 instant)`,
        `${line('note:')}:customEvents.form-abandoned.properties.note.maxLength: 20 → maxLength only on a string property (remove it, or make the type string)`,
        expect.stringMatching(/properties\.9lives: .* → a property name of letters, digits and _/),
        expect.stringMatching(/properties\.constructor: .* → a name other than constructor/),
        `${line('reason:')}:customEvents.form-abandoned.properties.reason.maxLength: 5000 → a whole number from 1 to 2000`,
        `${line('reason:')}:customEvents.form-abandoned.properties.reason.personal: "maybe" → true or false`,
      ]),
    );
    expect(problems.every((p) => p.source?.endsWith('settings.yaml'))).toBe(true);
  });
});

describe('custom events: journeys that name them', () => {
  it('an undeclared type anywhere a journey names an event, reported with the declared ones', () => {
    const journey = REMINDER.replace('event: product-viewed', 'event: product-viewd')
      .replace('goal: { event: purchase', 'goal: { event: cart-left')
      .replace('{ type: product-viewed, properties', '{ type: product-seen, properties');
    const { problems } = problemsOf(withReminder({ 'journeys/browse-reminder.yaml': journey }));
    expect(problems.map((p) => [p.field, p.value])).toEqual([
      ['entry.event', 'product-viewd'],
      ['goal.event', 'cart-left'],
      ['steps[1].paths[0].when.lastEvent.type', 'product-seen'],
    ]);
    expect(problems[0]?.expected).toBe(
      'an event type: one of "purchase", "profile", "feedback", "complaint", "product-viewed" (declare your own in settings.yaml customEvents)',
    );
  });

  it('lastEvent properties: declared, not personal, of the declared type; none on a built-in event', () => {
    const journey = REMINDER.replace(
      'properties: { category: shoes }',
      'properties: { category: 3, colour: red, searchQuery: shoes }',
    );
    const { problems } = problemsOf(withReminder({ 'journeys/browse-reminder.yaml': journey }));
    expect(problems.map(brief)).toEqual([
      expect.stringMatching(/properties\.category: 3 → a string, as category is declared$/),
      expect.stringMatching(
        /properties\.colour: "colour" → a property of product-viewed that is not personal data: productId, productName, category, price$/,
      ),
      expect.stringMatching(
        /properties\.searchQuery: "searchQuery" → not "searchQuery": it is personal data/,
      ),
    ]);
    const builtIn = REMINDER.replace('type: product-viewed, properties', 'type: purchase, properties');
    const [problem] = problemsOf(withReminder({ 'journeys/browse-reminder.yaml': builtIn })).problems;
    expect(problem?.expected).toBe(
      'no properties for purchase: only events declared in settings.yaml customEvents carry them',
    );
  });

  it('event.* in a template: only the entry event’s properties that are not personal data', () => {
    const en = readFileSync(join(TEMPLATES, 'en.yaml'), 'utf8').replace(
      "subject: 'Still thinking about {{ event.productName }}?'",
      "subject: '{{ event.productNam }} {{ event.searchQuery }}'",
    );
    const { problems } = problemsOf(withReminder({ 'templates/browse-reminder/en.yaml': en }));
    expect(
      problems.map((p) => [p.source?.endsWith('journeys/browse-reminder.yaml'), p.field, p.value]),
    ).toEqual([
      [true, 'steps[2].template', 'browse-reminder'],
      [true, 'steps[2].template', 'browse-reminder'],
    ]);
    expect(problems[0]?.expected).toBe(
      'a property of product-viewed that is not personal data: event.productId, event.productName, event.category, event.price (workflows/templates/browse-reminder/en.yaml, subject: {{ event.productNam }})',
    );
    expect(problems[1]?.expected).toMatch(
      /^not "event.searchQuery": it is personal data, which never reaches a journey/,
    );
  });

  it('event conditions: declared for every entry type, not personal, tested as the type allows', () => {
    const journey = REMINDER.replace(
      WHEN,
      `when:
          event:
            category: { in: [shoes, 3] }
            price: { gte: 100, lt: cheap }
            productId: { gt: 5 }
            searchQuery: shoes
            colour: red`,
    );
    const { problems } = problemsOf(withReminder({ 'journeys/browse-reminder.yaml': journey }));
    const at = 'steps[1].paths[0].when.event';
    expect(problems.map((p) => [p.field, p.value, p.expected])).toEqual([
      [
        `${at}.category`,
        { in: ['shoes', 3] },
        'a text, or { in: [texts] }, as category is a string property',
      ],
      [
        `${at}.price`,
        { gte: 100, lt: 'cheap' },
        'a number, { in: [numbers] } or bounds gt/gte/lt/lte, as price is a number property',
      ],
      [`${at}.productId`, { gt: 5 }, 'a text, or { in: [texts] }, as productId is a string property'],
      [
        `${at}.searchQuery`,
        'searchQuery',
        expect.stringMatching(
          /^not "searchQuery": it is personal data, which is never copied into a journey execution .* so no condition or template can read it; a property every entry event \(product-viewed\) carries: productId, productName, category, price$/,
        ),
      ],
      [
        `${at}.colour`,
        'colour',
        'not "colour": product-viewed has no such property; a property every entry event (product-viewed) carries: productId, productName, category, price',
      ],
    ]);
    expect(problems.every((p) => typeof p.line === 'number')).toBe(true);
  });

  it('event conditions: a built-in entry event has its own properties; several entry types share theirs', () => {
    const onPurchase = REMINDER.replace('entry:\n  event: product-viewed', 'entry:\n  event: purchase')
      .replace('template: browse-reminder', 'template: first-purchase-thanks')
      .replace(WHEN, 'when: { event: { amount: { gte: 100 }, currency: CNY } }');
    expect(acceptedWith(withReminder({ 'journeys/browse-reminder.yaml': onPurchase }))).toEqual([]);
    const both = onPurchase.replace('event: purchase', 'event: [purchase, product-viewed]');
    const [problem] = problemsOf(withReminder({ 'journeys/browse-reminder.yaml': both })).problems;
    expect([problem?.field, problem?.expected]).toEqual([
      'steps[1].paths[0].when.event.amount',
      'not "amount": product-viewed has no such property; a property every entry event (purchase, product-viewed) carries: (none)',
    ]);
    const complaint = onPurchase
      .replace('event: purchase', 'event: complaint')
      .replace('{ amount: { gte: 100 }, currency: CNY }', '{ text: rude }');
    expect(
      problemsOf(withReminder({ 'journeys/browse-reminder.yaml': complaint })).problems[0]?.expected,
    ).toMatch(/^not "text": it is personal data, which is never copied into a journey execution/);
  });

  it('event conditions on a date accept only what ingest accepts of the property: no 30 February', () => {
    const settings = SETTINGS.replace(
      'price: { type: number, required: false }',
      'price: { type: number, required: false }\n      listedAt: { type: date, required: false }',
    );
    const on = (date: string) =>
      withReminder({
        'settings.yaml': settings,
        'journeys/browse-reminder.yaml': REMINDER.replace(
          WHEN,
          `when: { event: { listedAt: { gte: '${date}' } } }`,
        ),
      });
    expect(acceptedWith(on('2026-02-28T10:00:00Z'))).toEqual([]);
    const [problem] = problemsOf(on('2026-02-30T10:00:00Z')).problems;
    expect(problem?.field).toBe('steps[1].paths[0].when.event.listedAt');
  });

  it('event conditions in a journey that does not start on an event are refused, in entry.where too', () => {
    const journey = REMINDER.replace(
      'entry:\n  event: product-viewed',
      'entry:\n  stage: active\n  where: { event: { category: shoes } }',
    )
      .replace(WHEN, 'when: { event: { price: 3 } }')
      .replace('template: browse-reminder', 'template: first-purchase-thanks');
    const { problems } = problemsOf(withReminder({ 'journeys/browse-reminder.yaml': journey }));
    expect(problems.map((p) => [p.field, p.expected])).toEqual([
      [
        'entry.where.event',
        expect.stringMatching(
          /^no event test here: it tests the entry event's properties, and this journey does not start on an event/,
        ),
      ],
      ['steps[1].paths[0].when.event', expect.stringMatching(/^no event test here/)],
    ]);
  });

  it('event.* in a journey that does not start on a declared event is refused', () => {
    const journey = REMINDER.replace('entry:\n  event: product-viewed', 'entry:\n  event: purchase')
      .replace('properties: { category: shoes }', '')
      .replace('price: { gte: 100 }', 'amount: { gte: 100 }');
    const { problems } = problemsOf(withReminder({ 'journeys/browse-reminder.yaml': journey }));
    // Once for the send step, though the template reads event.* in each part and locale.
    expect(problems.map((p) => [p.field, p.expected])).toEqual([
      [
        'steps[2].template',
        "no event.*: it is the entry event's properties, and this journey does not start on an event declared in settings.yaml customEvents (workflows/templates/browse-reminder/en.yaml, subject: {{ event.productName }})",
      ],
    ]);
  });
});

describe('custom events: generated JSON Schemas', () => {
  it('the journey schema offers the declared events wherever a journey names an event', () => {
    const text = readFileSync(join(WORKFLOWS_DIR, 'schemas', 'journey.schema.json'), 'utf8');
    const lists = text.match(/"enum": \[\s*"purchase",[^\]]*\]/g) ?? [];
    // entry.event (one, or each of several), wait-for-event, goal and lastEvent (both forms).
    expect(lists.length).toBeGreaterThanOrEqual(5);
    for (const list of lists)
      expect(JSON.parse(`{${list}}`)).toEqual({
        enum: ['purchase', 'profile', 'feedback', 'complaint', 'product-viewed'],
      });
    const settings = readFileSync(join(WORKFLOWS_DIR, 'schemas', 'settings.schema.json'), 'utf8');
    expect(settings).toContain('"customEvents"');
  });
});

describe('custom events: preview', () => {
  it('previews a template of a journey that starts on a declared event with each property named', () => {
    const wf = workflowsWith(withReminder());
    try {
      const w = loadWorkflows(wf.dir);
      const input = previewSend(w, 'browse-reminder', sampleProfile(w, new Date('2027-01-01T00:00:00Z')));
      // Never the personal searchQuery: no journey execution carries it.
      expect(input.event).toEqual({
        productId: '[productId]',
        productName: '[productName]',
        category: '[category]',
        price: 1,
      });
    } finally {
      wf.cleanup();
    }
  });
});
