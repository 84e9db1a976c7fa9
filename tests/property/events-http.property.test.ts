import fc from 'fast-check';
import type { LocalRuntime } from '../../local/runtime';
import { postEvent, startTestRuntime } from '../support/local';

/**
 * Whatever JSON reaches `POST /events` — any value at all, or an object shaped like an event whose fields
 * hold anything — the answer is never a 5xx.
 */
const anyField = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.double(),
  fc.constantFrom(1e308, -1e308, 1e-200, 2 ** 53 + 2, 1e20, -0, 0),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('constructor', '__proto__', 'prototype', 'toString'),
);

const keyish = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('constructor', 'prototype', 'toString', 'valueOf'),
);

/** Valid events of three kinds; the property bends any subset of their fields. */
const BASES = [
  { type: 'purchase', amount: 19.9, currency: 'CNY' },
  { type: 'profile' },
  { type: 'feedback', survey: 'nps', score: 9 },
].map((b) => ({ eventId: 'p-1', customerId: 'c-prop', at: '2026-11-22T10:00:00Z', ...b }));

const customerShaped = fc.record(
  {
    email: fc.oneof(fc.constant('prop@example.com'), anyField),
    firstName: fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), anyField),
    locale: fc.oneof(fc.constantFrom('en', 'zh-CN'), anyField),
    timeZone: fc.oneof(fc.constant('Asia/Shanghai'), anyField),
    consent: fc.oneof(
      fc.record(
        {
          email: fc.oneof(fc.constant('subscribed'), anyField),
          topics: fc.dictionary(keyish, fc.oneof(fc.constant('subscribed'), anyField), { maxKeys: 4 }),
        },
        { requiredKeys: [] },
      ),
      anyField,
    ),
    attributes: fc.dictionary(keyish, anyField, { maxKeys: 6 }),
  },
  { requiredKeys: [] },
);

const eventShaped = fc
  .tuple(
    fc.constantFrom(...BASES),
    fc.record(
      {
        eventId: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), anyField),
        customerId: anyField,
        at: fc.oneof(
          fc
            .date({
              min: new Date('1990-01-01T00:00:00Z'),
              max: new Date('2030-01-01T00:00:00Z'),
              noInvalidDate: true,
            })
            .map((d) => d.toISOString()),
          anyField,
        ),
        amount: anyField,
        currency: fc.oneof(fc.constantFrom('USD', 'ABC'), anyField),
        score: anyField,
        comment: fc.string({ unit: 'binary', maxLength: 60 }),
      },
      { requiredKeys: [] },
    ),
    fc.option(customerShaped, { nil: undefined }),
  )
  .map(([base, bent, customer]) => ({ ...base, ...bent, ...(customer ? { customer } : {}) }));

describe('POST /events, property: arbitrary JSON never gets a 5xx', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(() => runtime.stop());

  it('any JSON value, or an event-shaped object with random field values, is answered below 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue(), eventShaped, fc.dictionary(keyish, fc.jsonValue())),
        async (body) => {
          const res = await postEvent(runtime, JSON.stringify(body) ?? 'null');
          expect({ status: res.status, body: res.text.slice(0, 300) }).toEqual({
            status: expect.any(Number),
            body: expect.any(String),
          });
          expect(res.status).toBeLessThan(500);
          expect(res.status).toBeGreaterThanOrEqual(200);
        },
      ),
      { numRuns: 200 },
    );
  });
});
