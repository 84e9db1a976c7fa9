import { FORM_HEADERS, JSON_HEADERS, describeHostile, type HostileCase } from './harness';
import { tampered, token } from './support';

/**
 * Every other route under attack: erasure ids, signed links (forged, tampered, expired, made for another
 * page, of no known shape) and the bodies of the pages' forms. Each request gets a 4xx and writes nothing.
 */
const NOW_S = Math.floor(Date.parse('2026-11-22T10:00:05Z') / 1000);
const q = (t: string) => `?token=${encodeURIComponent(t)}`;

const ERASURE: HostileCase[] = [
  ['a space', '/customers/a%20b', 400, 'id'],
  ['129 characters', `/customers/${'c'.repeat(129)}`, 400, 'id'],
  ['NUL', '/customers/%00', 400, 'id'],
  ['an encoded slash', '/customers/a%2Fb', 400, 'id'],
  ['a line break', '/customers/a%0Ab', 400, 'id'],
  ['an emoji', '/customers/%F0%9F%98%80', 400, 'id'],
  ['a broken escape', '/customers/%E0%A4%A', 404, 'path'],
  ['no id', '/customers/', 404, 'path'],
  ['nothing after customers', '/customers', 404, 'path'],
  ['an extra segment', '/customers/c-seed/extra', 404, 'path'],
].map(([what, path, status, field]) => ({
  name: `DELETE with ${String(what)} → ${String(status)}`,
  method: 'DELETE',
  path: String(path),
  status: Number(status),
  field: String(field),
}));

const METHODS: HostileCase[] = [
  ['GET', '/events', 405],
  ['PUT', '/events', 405],
  ['PATCH', '/events', 405],
  ['GET', '/customers/c-seed', 405],
  ['POST', '/customers/c-seed', 405],
  ['PUT', '/unsubscribe', 405],
  ['DELETE', '/preferences', 405],
  ['GET', '/nope', 404],
  ['POST', '/events/extra', 404],
  ['GET', '/../etc/passwd', 404],
].map(([method, path, status]) => ({
  name: `${String(method)} ${String(path)} → ${String(status)}`,
  method: String(method),
  path: String(path),
  status: Number(status),
  field: Number(status) === 405 ? 'method' : 'path',
}));

/** Tokens no page may accept, and the status each page answers (403 only for an intact, expired one). */
const BAD_TOKENS: [string, (page: 'unsubscribe' | 'preferences' | 'feedback') => string, number][] = [
  ['no token', () => '', 400],
  ['garbage', () => 'not-a-token', 400],
  ['three parts', (p) => `${token[p]()}.x`, 400],
  ['a tampered signature', (p) => tampered(token[p]()), 400],
  ['a forged secret', (p) => token[p]({}, 'guessed-secret'), 400],
  [
    'swapped claims',
    (p) =>
      `${token.raw({ customerId: 'someone-else', purpose: p, iat: NOW_S, exp: NOW_S + 60 }).split('.')[0]}.${token[p]().split('.')[1]}`,
    400,
  ],
  ['claims of no known shape', (p) => token.raw({ customerId: 42, purpose: p }), 400],
  ['claims that are not JSON', () => `${Buffer.from('{nope').toString('base64url')}.sig`, 400],
  ['a 10 KB token', () => 'x'.repeat(10_240), 400],
  ['another page’s purpose', (p) => (p === 'feedback' ? token.preferences() : token.feedback()), 400],
];

const tokenCases = (page: 'unsubscribe' | 'preferences' | 'feedback'): HostileCase[] =>
  BAD_TOKENS.flatMap(([what, make, status]) =>
    ['GET', 'POST'].map((method) => ({
      name: `${method} /${page} with ${what} → ${status}`,
      method,
      path: `/${page}${q(make(page))}`,
      ...(method === 'POST' ? { headers: FORM_HEADERS, body: 'email=on' } : {}),
      status,
    })),
  );

const EXPIRED: HostileCase[] = (['preferences', 'feedback'] as const).flatMap((page) =>
  ['GET', 'POST'].map((method) => ({
    name: `${method} /${page} with an expired link → 403`,
    method,
    path: `/${page}${q(token[page]({ iat: NOW_S - 2 * 86_400, exp: NOW_S - 1 }))}`,
    status: 403,
  })),
);

/** A valid link, with a body the page cannot read: refused before anything is written. */
function bodyCases(page: 'unsubscribe' | 'preferences' | 'feedback'): HostileCase[] {
  const path = `/${page}${q(token[page]())}`;
  const post = (
    name: string,
    headers: Record<string, string>,
    body: string | Buffer,
    status: number,
    field = '',
  ) => ({
    name: `POST /${page} (valid link) with ${name} → ${status}`,
    method: 'POST',
    path,
    headers,
    body,
    status,
    field,
  });
  const cases = [
    post(
      'a text/plain body',
      { 'content-type': 'text/plain' },
      'List-Unsubscribe=One-Click',
      415,
      'content-type',
    ),
    post('a JSON body', JSON_HEADERS, '{"comment":"hi"}', 415, 'content-type'),
    post('a body without a content type', {}, 'comment=hi', 415, 'content-type'),
    post(
      'a Latin-1 form',
      { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' },
      'comment=Jos%E9',
      415,
      'content-type',
    ),
    post('bytes that are not UTF-8', FORM_HEADERS, Buffer.from([0x63, 0x3d, 0xff, 0xfe]), 400),
  ];
  // Pages that read their form also refuse percent-escapes that are not UTF-8, and multipart bodies.
  if (page === 'unsubscribe') return cases;
  return [
    ...cases,
    post('a %FF escape', FORM_HEADERS, 'email=on&comment=%FF', 400),
    post('an overlong %C0%80 escape', FORM_HEADERS, 'comment=%C0%80', 400),
    post(
      'a multipart body',
      { 'content-type': 'multipart/form-data; boundary=x' },
      '--x--',
      415,
      'content-type',
    ),
  ];
}

describeHostile('hostile input: every other route', [
  ...ERASURE,
  ...METHODS,
  ...tokenCases('unsubscribe'),
  ...tokenCases('preferences'),
  ...tokenCases('feedback'),
  ...EXPIRED,
  ...bodyCases('unsubscribe'),
  ...bodyCases('preferences'),
  ...bodyCases('feedback'),
]);
