import type { LocalRuntime } from '../../local/runtime';
import { inbox, postEvent, profileOf, startTestRuntime } from '../support/local';
import { FORM_HEADERS, JSON_HEADERS, purchase, withCustomer } from './harness';
import { rawRequest, SEED_CUSTOMER, settled, token } from './support';

describe('one error body on every route, and names that are not names', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime();
    // The customer the links are for: a page reads a form only for a customer it knows.
    const seed = {
      eventId: 'seed-1',
      type: 'profile',
      customerId: SEED_CUSTOMER,
      at: '2026-11-22T09:00:00Z',
    };
    expect((await postEvent(runtime, seed)).status).toBe(202);
  });
  // Journeys started by accepted events finish their sends before the table goes away.
  afterAll(async () => {
    await settled(runtime);
    await runtime.stop();
  });

  const requests: [
    string,
    string,
    string,
    Record<string, string> | undefined,
    string | Buffer | undefined,
  ][] = [
    ['400 on POST /events', 'POST', '/events', JSON_HEADERS, JSON.stringify(purchase({ amount: -1 }))],
    ['415 on POST /events', 'POST', '/events', { 'content-type': 'text/plain' }, '{}'],
    [
      '413 on POST /events',
      'POST',
      '/events',
      JSON_HEADERS,
      JSON.stringify(purchase({ orderId: 'x'.repeat(300_000) })),
    ],
    // Every row has all five cells: jest takes a test function with more parameters than cells for `done`.
    ['400 on DELETE /customers/{id}', 'DELETE', '/customers/a%20b', undefined, undefined],
    ['404 on an unknown path', 'GET', '/nope', undefined, undefined],
    ['405 on a known path', 'GET', '/events', undefined, undefined],
    [
      '415 on POST /unsubscribe',
      'POST',
      `/unsubscribe?token=${token.unsubscribe()}`,
      { 'content-type': 'text/plain' },
      'x',
    ],
    [
      '400 on POST /feedback',
      'POST',
      `/feedback?token=${token.feedback()}`,
      FORM_HEADERS,
      Buffer.from([0xff]),
    ],
    ['415 on POST /preferences', 'POST', `/preferences?token=${token.preferences()}`, JSON_HEADERS, '{}'],
  ];

  it.each(requests)(
    '%s: { error, message, problems: [{ field, value?, expected }], requestId }',
    async (_n, method, path, headers, body) => {
      const res = await rawRequest(`${runtime.urls.api}${path}`, { method, headers, body });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.contentType).toMatch(/^application\/json/);
      const answer = JSON.parse(res.text) as Record<string, unknown>;
      expect(Object.keys(answer).sort()).toEqual(['error', 'message', 'problems', 'requestId']);
      expect(answer).toMatchObject({
        error: expect.any(String),
        message: expect.any(String),
        requestId: expect.any(String),
      });
      const problems = answer.problems as Record<string, unknown>[];
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) {
        expect(Object.keys(p).filter((k) => !['field', 'value', 'expected'].includes(k))).toEqual([]);
        expect(p).toMatchObject({ field: expect.any(String), expected: expect.any(String) });
      }
    },
  );

  it('a name of spaces is no name: the profile has none and the email says "Hello there,"', async () => {
    const res = await postEvent(
      runtime,
      withCustomer({ firstName: '   \u3000 ', email: 'blank@example.com' }),
    );
    expect(res.status).toBe(202);
    await settled(runtime);
    expect(await profileOf(runtime, 'c-hostile')).not.toHaveProperty('firstName');
    const [email] = await inbox(runtime, 'blank@example.com');
    expect(email?.subject).toBe('Thank you for your first order');
    expect(email?.body.text).toContain('Hello there,');
  });

  it('a name with spaces around it is kept without them', async () => {
    const res = await postEvent(runtime, {
      ...withCustomer({ firstName: '  Li Lei  ' }),
      eventId: 'h-2',
      customerId: 'c-spaced',
    });
    expect(res.status).toBe(202);
    expect((await profileOf(runtime, 'c-spaced'))?.firstName).toBe('Li Lei');
  });
});
