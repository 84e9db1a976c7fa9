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
  // The edges of what the store and JSON can hold, often: random doubles rarely land on them.
  { arbitrary: fc.constantFrom(1e308, -1e308, 1e-200, 2 ** 53 + 2, 1e20, -0, 0), weight: 3 },
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('constructor', '__proto__', 'prototype', 'toString'),
);

/** Keys: mostly names an attribute may have (so the rest of the event stays valid), some hostile. */
const keyish = fc.oneof(
  { arbitrary: fc.constantFrom('tier', 'points', 'club_level'), weight: 4 },
  fc.string({ maxLength: 12 }),
  fc.constantFrom('constructor', 'prototype', 'toString', 'valueOf'),
);

/** Valid events of three kinds; the property bends one or two of their fields. */
const BASES = [
  { type: 'purchase', amount: 19.9, currency: 'CNY' },
  { type: 'profile' },
  { type: 'feedback', survey: 'nps', score: 9 },
].map((b) => ({
  customerId: 'c-prop',
  at: '2026-11-22T10:00:00Z',
  customer: { email: 'prop@example.com', locale: 'en' } as Record<string, unknown>,
  ...b,
}));
type Shaped = (typeof BASES)[number] & Record<string, unknown>;

const TOP = ['eventId', 'customerId', 'at', 'amount', 'currency', 'score', 'comment', 'type', 'survey'];
const CUSTOMER = [
  'email',
  'phone',
  'firstName',
  'locale',
  'timeZone',
  'preferredChannel',
  'consent',
  'attributes',
];

const bend = fc.oneof(
  fc
    .tuple(fc.constantFrom(...TOP), anyField)
    .map(([field, value]) => (e: Shaped): Shaped => ({ ...e, [field]: value })),
  fc
    .tuple(fc.constantFrom(...CUSTOMER), anyField)
    .map(([field, value]) => (e: Shaped): Shaped => ({ ...e, customer: { ...e.customer, [field]: value } })),
  fc
    .dictionary(keyish, anyField, { maxKeys: 2 })
    .map((attributes) => (e: Shaped): Shaped => ({ ...e, customer: { ...e.customer, attributes } })),
  fc
    .dictionary(keyish, fc.oneof(fc.constant('subscribed'), anyField), { maxKeys: 4 })
    .map((topics) => (e: Shaped): Shaped => ({ ...e, customer: { ...e.customer, consent: { topics } } })),
  fc
    .string({ unit: 'binary', maxLength: 30 })
    .map((firstName) => (e: Shaped): Shaped => ({ ...e, customer: { ...e.customer, firstName } })),
);

/** A fresh event id each time, so an accepted event is stored rather than answered as a duplicate. */
const eventShaped = fc
  .tuple(fc.constantFrom(...BASES), fc.uuid(), fc.array(bend, { minLength: 1, maxLength: 2 }))
  .map(([base, eventId, bends]) => bends.reduce((e, f) => f(e), { ...base, eventId } as Shaped));

describe('POST /events, property: arbitrary JSON never gets a 5xx', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(() => runtime.stop());

  it('any JSON value, or an event-shaped object with random field values, is answered below 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          { arbitrary: eventShaped, weight: 6 },
          fc.dictionary(keyish, fc.jsonValue()),
        ),
        async (body) => {
          const res = await postEvent(runtime, JSON.stringify(body) ?? 'null');
          // The answer itself in the failure message, so a counterexample says what went wrong.
          if (res.status < 200 || res.status >= 500)
            throw new Error(
              `${res.status} for ${JSON.stringify(body)?.slice(0, 200)}: ${res.text.slice(0, 300)}`,
            );
        },
      ),
      { numRuns: 200 },
    );
  });
});
