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

const FIELDS: HostileCase[] = [
  eventCase('no eventId → 400', purchase({ eventId: undefined }), 'eventId'),
  eventCase('an empty eventId → 400', purchase({ eventId: '' }), 'eventId'),
  eventCase('a 129-character eventId → 400', purchase({ eventId: 'e'.repeat(129) }), 'eventId'),
  eventCase('a numeric eventId → 400', purchase({ eventId: 123 }), 'eventId'),
  eventCase('an eventId with NUL → 400', purchase({ eventId: 'e\u00001' }), 'eventId'),
  eventCase('an eventId with a line break → 400', purchase({ eventId: 'e\n1' }), 'eventId'),
  eventCase('no customerId → 400', purchase({ customerId: undefined }), 'customerId'),
  eventCase('a customerId with a space → 400', purchase({ customerId: 'c 1' }), 'customerId'),
  eventCase('a customerId with a slash → 400', purchase({ customerId: 'c/1' }), 'customerId'),
  eventCase('a 129-character customerId → 400', purchase({ customerId: 'c'.repeat(129) }), 'customerId'),
  eventCase('an object customerId → 400', purchase({ customerId: {} }), 'customerId'),
  eventCase('type refund → 400', purchase({ type: 'refund' }), 'type'),
  eventCase('type PURCHASE → 400', purchase({ type: 'PURCHASE' }), 'type'),
  eventCase('no type → 400', purchase({ type: undefined }), 'type'),
  eventCase('currency ABC → 400', purchase({ currency: 'ABC' }), 'currency'),
  eventCase('currency XYZ → 400', purchase({ currency: 'XYZ' }), 'currency'),
  eventCase('currency cny → 400', purchase({ currency: 'cny' }), 'currency'),
  eventCase('currency 156 → 400', purchase({ currency: 156 }), 'currency'),
  eventCase('no currency → 400', purchase({ currency: undefined }), 'currency'),
  eventCase('a 129-character orderId → 400', purchase({ orderId: 'o'.repeat(129) }), 'orderId'),
  eventCase('an orderId with ESC → 400', purchase({ orderId: 'o\u001b[31m' }), 'orderId'),
  eventCase('customer as text → 400', purchase({ customer: 'li' }), 'customer'),
  eventCase('customer as an array → 400', purchase({ customer: [] }), 'customer'),
  eventCase('an invalid email → 400', withCustomer({ email: 'not-an-email' }), 'customer.email'),
  eventCase(
    'a 255-character email → 400',
    withCustomer({ email: `${'a'.repeat(245)}@example.com` }),
    'customer.email',
  ),
  eventCase(
    'an email with CRLF → 400',
    withCustomer({ email: 'a@example.com\r\nBcc: b@example.com' }),
    'customer.email',
  ),
  eventCase('a phone of letters → 400', withCustomer({ phone: 'call me' }), 'customer.phone'),
  eventCase('a numeric phone → 400', withCustomer({ phone: 8613800138000 }), 'customer.phone'),
  eventCase('channel fax → 400', withCustomer({ preferredChannel: 'fax' }), 'customer.preferredChannel'),
  eventCase('an invalid locale → 400', withCustomer({ locale: 'not a locale!' }), 'customer.locale'),
  eventCase(
    'an invalid time zone → 400',
    withCustomer({ timeZone: 'Mars/Olympus_Mons' }),
    'customer.timeZone',
  ),
  eventCase('a 101-character name → 400', withCustomer({ firstName: 'n'.repeat(101) }), 'customer.firstName'),
  eventCase('a numeric name → 400', withCustomer({ firstName: 5 }), 'customer.firstName'),
  ...[
    ['NUL', 'Li\u0000'],
    ['BEL', 'Li\u0007'],
    ['ESC', '\u001b[2JLi'],
    ['CR LF', 'Li\r\nBcc: x@example.com'],
    ['LF', 'Li\nLei'],
    ['TAB', 'Li\tLei'],
    ['DEL', 'Li\u007f'],
    ['a C1 control', 'Li\u0085'],
  ].map(([what, name]) =>
    eventCase(`a name with ${what} → 400`, withCustomer({ firstName: name }), 'customer.firstName'),
  ),
  eventCase(
    'a name with a lone surrogate → 400',
    base.replace('"firstName":"Hal"', '"firstName":"Hal\\ud800"'),
    'customer.firstName',
  ),
  eventCase('consent email yes → 400', withCustomer({ consent: { email: 'yes' } }), 'customer.consent.email'),
  eventCase('consent sms true → 400', withCustomer({ consent: { sms: true } }), 'customer.consent.sms'),
  eventCase(
    '21 topics → 400',
    withCustomer({
      consent: { topics: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`t${i}`, 'subscribed'])) },
    }),
    'customer.consent.topics',
  ),
  eventCase(
    'a topic Bad Key → 400',
    withCustomer({ consent: { topics: { 'Bad Key': 'subscribed' } } }),
    'customer.consent.topics',
  ),
  eventCase(
    'a topic maybe → 400',
    withCustomer({ consent: { topics: { offers: 'maybe' } } }),
    'customer.consent.topics.offers',
  ),
  eventCase(
    '51 attributes → 400',
    withCustomer({ attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, i])) }),
    'customer.attributes',
  ),
  eventCase(
    'an attribute named 1abc → 400',
    withCustomer({ attributes: { '1abc': 1 } }),
    'customer.attributes',
  ),
  eventCase(
    'a 65-character attribute name → 400',
    withCustomer({ attributes: { ['a'.repeat(65)]: 1 } }),
    'customer.attributes',
  ),
  eventCase(
    'a 257-character attribute → 400',
    withCustomer({ attributes: { x: 'v'.repeat(257) } }),
    'customer.attributes.x',
  ),
  eventCase(
    'an attribute with ESC → 400',
    withCustomer({ attributes: { x: '\u001b]0;pwned\u0007' } }),
    'customer.attributes.x',
  ),
  eventCase('an unknown customer field → 400', withCustomer({ nickname: 'Hal' }), 'customer.nickname'),
  eventCase('an unknown field → 400', purchase({ coupon: 'FREE' }), 'coupon'),
  eventCase(
    'survey foo → 400',
    {
      eventId: 'f-2',
      type: 'feedback',
      customerId: 'c-hostile',
      at: '2026-11-22T10:00:00Z',
      survey: 'foo',
      score: 5,
    },
    'survey',
  ),
  eventCase(
    'a 5001-character comment → 400',
    {
      eventId: 'f-3',
      type: 'feedback',
      customerId: 'c-hostile',
      at: '2026-11-22T10:00:00Z',
      survey: 'nps',
      score: 5,
      comment: 'c'.repeat(5001),
    },
    'comment',
  ),
  eventCase(
    'a comment with NUL → 400',
    {
      eventId: 'f-4',
      type: 'feedback',
      customerId: 'c-hostile',
      at: '2026-11-22T10:00:00Z',
      survey: 'nps',
      score: 5,
      comment: 'fine\u0000',
    },
    'comment',
  ),
  eventCase(
    'sentiment angry → 400',
    {
      eventId: 'f-5',
      type: 'feedback',
      customerId: 'c-hostile',
      at: '2026-11-22T10:00:00Z',
      survey: 'nps',
      score: 5,
      sentiment: 'angry',
    },
    'sentiment',
  ),
  eventCase(
    'about with an extra field → 400',
    {
      eventId: 'f-6',
      type: 'feedback',
      customerId: 'c-hostile',
      at: '2026-11-22T10:00:00Z',
      survey: 'nps',
      score: 5,
      about: { journeyId: 'j', stepId: 's', x: 1 },
    },
    'about.x',
  ),
  eventCase(
    'an empty complaint text → 400',
    { eventId: 'k-1', type: 'complaint', customerId: 'c-hostile', at: '2026-11-22T10:00:00Z', text: '' },
    'text',
  ),
  eventCase(
    'a complaint with BEL → 400',
    {
      eventId: 'k-2',
      type: 'complaint',
      customerId: 'c-hostile',
      at: '2026-11-22T10:00:00Z',
      text: 'slow\u0007',
    },
    'text',
  ),
  eventCase(
    'an erasure without customerId → 400',
    { eventId: 'x-2', type: 'erase', at: '2026-11-22T10:00:00Z' },
    'customerId',
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
