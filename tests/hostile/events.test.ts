import { FIELDS } from './field-cases';
import { describeHostile, eventCase, nestedText, purchase, withCustomer, type HostileCase } from './harness';

/**
 * POST /events under attack: bodies, content types, encodings, sizes, nesting, prototype keys, numbers and
 * dates. Every request gets a 4xx naming the field and writes nothing.
 */
const json = (o: unknown) => JSON.stringify(o);
const base = json(purchase());
/** The valid purchase's text with `"amount":19.9` replaced by raw JSON text (numbers JSON.parse would round). */
const rawAmount = (text: string) => base.replace('"amount":19.9', `"amount":${text}`);
const rawAttribute = (text: string) =>
  base.replace('"firstName":"Hal"', `"firstName":"Hal","attributes":{"x":${text}}`);
const rawCustomer = (text: string) => base.replace('"firstName":"Hal"', `"firstName":"Hal",${text}`);

const MEDIA: HostileCase[] = [
  ...(
    [
      ['no content type', undefined],
      ['text/plain', 'text/plain'],
      ['text/plain; charset=utf-8', 'text/plain; charset=utf-8'],
      ['a form', 'application/x-www-form-urlencoded'],
      ['multipart', 'multipart/form-data; boundary=x'],
      ['application/xml', 'application/xml'],
      ['charset=iso-8859-1', 'application/json; charset=iso-8859-1'],
      ['charset=utf-16', 'application/json; charset=utf-16'],
      ['charset=latin1 quoted', 'application/json; charset="latin1"'],
      ['an empty content type', ''],
    ] as [string, string | undefined][]
  ).map(([name, type]): HostileCase => ({
    name: `POST /events as ${name} → 415`,
    method: 'POST',
    path: '/events',
    headers: type === undefined ? {} : { 'content-type': type },
    body: base,
    status: 415,
    field: 'content-type',
  })),
  eventCase(
    'Latin-1 bytes (not UTF-8) → 400',
    Buffer.from(json(withCustomer({ firstName: 'José' })), 'latin1'),
    '',
  ),
  eventCase(
    'a lone 0xFF byte in a string → 400',
    Buffer.concat([Buffer.from('{"eventId":"'), Buffer.from([0xff]), Buffer.from('"}')]),
    '',
  ),
  eventCase('UTF-16 bytes → 400', Buffer.from(base, 'utf16le'), ''),
  eventCase(
    'an overlong UTF-8 encoding → 400',
    Buffer.concat([Buffer.from('{"eventId":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
    '',
  ),
  eventCase('an empty body → 400', '', ''),
  eventCase('a body of spaces → 400', '   \n ', ''),
  eventCase('truncated JSON → 400', base.slice(0, -5), ''),
  eventCase('single quotes → 400', base.replace(/"/g, "'"), ''),
  eventCase('a trailing comma → 400', base.replace(/}$/, ',}'), ''),
  eventCase('a comment → 400', `/* hi */${base}`, ''),
  eventCase('NaN → 400', rawAmount('NaN'), ''),
  eventCase('null → 400', 'null', ''),
  eventCase('an array → 400', `[${base}]`, ''),
  eventCase('a string → 400', '"purchase"', ''),
  eventCase('a number → 400', '42', ''),
  eventCase('true → 400', 'true', ''),
  eventCase('300 KB → 413', json(purchase({ orderId: 'x'.repeat(300 * 1024) })), '', 413),
  eventCase('11 MB → 413', `{"a":"${'x'.repeat(11 * 1024 * 1024)}"}`, '', 413),
];

const NESTING: HostileCase[] = [
  eventCase('10,000 levels in attributes → 400', rawAttribute(nestedText(10_000)), 'customer.attributes.x'),
  eventCase(
    '10,000 levels in consent → 400',
    rawCustomer(`"consent":${nestedText(10_000)}`),
    'customer.consent',
  ),
  eventCase(
    '10,000 levels in consent.topics → 400',
    rawCustomer(`"consent":{"topics":${nestedText(10_000)}}`),
    'customer.consent.topics',
  ),
  eventCase(
    '10,000 levels of arrays in an attribute → 400',
    rawAttribute(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
    'customer.attributes.x',
  ),
  eventCase(
    '10,000 levels in an unknown field → 400',
    base.replace(/}$/, `,"extra":${nestedText(10_000)}}`),
    'extra',
  ),
  eventCase('40,000 levels → 400', base.replace(/}$/, `,"extra":${nestedText(40_000)}}`), 'extra'),
  eventCase('9 levels → 400', rawAttribute(nestedText(6)), 'customer.attributes.x'),
];

const KEYS: HostileCase[] = [
  ...['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'].map((k) =>
    eventCase(
      `an attribute named ${k} → 400`,
      withCustomer({ attributes: { [k]: 1 } }),
      `customer.attributes.${k}`,
    ),
  ),
  eventCase(
    'an attribute named __proto__ → 400',
    rawCustomer('"attributes":{"__proto__":1}'),
    'customer.attributes',
  ),
  eventCase(
    'an attribute __proto__ object → 400',
    rawCustomer('"attributes":{"__proto__":{"polluted":1}}'),
    'customer.attributes',
  ),
  ...['constructor', 'prototype'].map((k) =>
    eventCase(
      `a topic named ${k} → 400`,
      withCustomer({ consent: { topics: { [k]: 'subscribed' } } }),
      `customer.consent.topics.${k}`,
    ),
  ),
  eventCase(
    'a topic named __proto__ → 400',
    rawCustomer('"consent":{"topics":{"__proto__":"subscribed"}}'),
    'customer.consent.topics',
  ),
  eventCase('a top-level __proto__ → 400', base.replace(/}$/, ',"__proto__":{"amount":1}}'), '__proto__'),
  eventCase(
    'customer.__proto__ → 400',
    rawCustomer('"__proto__":{"email":"x@example.com"}'),
    'customer.__proto__',
  ),
  eventCase(
    '32,000 unknown keys (just under 256 KB) → 400',
    purchase(Object.fromEntries(Array.from({ length: 32_000 }, (_, i) => [i.toString(36), 0]))),
    '0',
  ),
];

const NUMBERS: HostileCase[] = [
  ...[
    '1e308',
    '9007199254740993',
    '1e-200',
    '1e400',
    '-1e400',
    '-1',
    '1e20',
    '"19.9"',
    'null',
    'true',
    '[19.9]',
    '{}',
  ].map((n) => eventCase(`amount ${n} → 400`, rawAmount(n), 'amount')),
  ...[
    '1e20',
    '-1e20',
    '1e308',
    '1e-200',
    '9007199254740993',
    '-9007199254740993',
    'null',
    '[1]',
    '{"y":1}',
  ].map((n) => eventCase(`attribute ${n} → 400`, rawAttribute(n), 'customer.attributes.x')),
  ...['1e308', '5.5', '"9"', '-1', '11', 'null'].map((n) =>
    eventCase(
      `feedback score ${n} → 400`,
      `{"eventId":"f-1","type":"feedback","customerId":"c-hostile","at":"2026-11-22T10:00:00Z","survey":"nps","score":${n}}`,
      'score',
    ),
  ),
];

const DATES: HostileCase[] = [
  ...[
    '9999-12-31T00:00:00Z',
    '2026-11-23T10:00:06Z',
    '2027-01-01T00:00:00Z',
    '1999-12-31T23:59:59Z',
    '1970-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '+010000-01-01T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22T10:00:60Z',
    '2026-11-22',
    '2026-11-22T10:00:00',
    '2026-11-22T10:00:00+25:00',
    '22/11/2026',
    'yesterday',
    '',
  ].map((at) => eventCase(`at ${JSON.stringify(at)} → 400`, purchase({ at }), 'at')),
  eventCase('at as epoch milliseconds → 400', purchase({ at: 1795341600000 }), 'at'),
  eventCase('at null → 400', purchase({ at: null }), 'at'),
  eventCase(
    'an erasure in the year 9999 → 400',
    { eventId: 'x-1', type: 'erase', customerId: 'c-hostile', at: '9999-12-31T00:00:00Z' },
    'at',
  ),
];

describeHostile('hostile input: POST /events', [
  ...MEDIA,
  ...NESTING,
  ...KEYS,
  ...NUMBERS,
  ...DATES,
  ...FIELDS,
]);
