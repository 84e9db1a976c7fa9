import type { LocalRuntime } from '../../local/runtime';
import { postEvent, startTestRuntime } from '../support/local';
import {
  rawRequest,
  SEED_CUSTOMER,
  settled,
  tableSnapshot,
  type ErrorBody,
  type RawResponse,
} from './support';

/** One hostile request and what it must get: a 4xx (naming `field` when the answer is JSON), nothing written. */
export interface HostileCase {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  /** The field the JSON answer must name (exactly, or as the start of a longer path). */
  field?: string;
}

export const JSON_HEADERS = { 'content-type': 'application/json' };
export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

/** A valid purchase; each case bends one part of it. */
export function purchase(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: 'h-1',
    type: 'purchase',
    customerId: 'c-hostile',
    at: '2026-11-22T10:00:00Z',
    amount: 19.9,
    currency: 'CNY',
    customer: { email: 'hostile@example.com', locale: 'en', firstName: 'Hal' },
    ...over,
  };
}

/** `purchase` with `customer` fields bent. */
export function withCustomer(over: Record<string, unknown>): Record<string, unknown> {
  return purchase({ customer: { email: 'hostile@example.com', locale: 'en', ...over } });
}

/** A POST /events case whose body is the JSON of `body` (or exactly `body` when it is text). */
export function eventCase(name: string, body: unknown, field: string, status = 400): HostileCase {
  return {
    name,
    method: 'POST',
    path: '/events',
    headers: JSON_HEADERS,
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    status,
    field,
  };
}

/** `{"a":{"a":…}}` `depth` levels deep, as text (building it as an object would need recursion to print). */
export function nestedText(depth: number, leaf = '1'): string {
  return `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/**
 * Starts a runtime with a seeded customer, then sends each case and checks: the status, the field named,
 * no 5xx, the table unchanged; and that the runtime still accepts a valid event afterwards.
 */
export function describeHostile(title: string, cases: readonly HostileCase[]): void {
  describe(title, () => {
    let runtime: LocalRuntime;
    beforeAll(async () => {
      runtime = await startTestRuntime();
      const seed = await postEvent(runtime, {
        eventId: 'seed-1',
        type: 'profile',
        customerId: SEED_CUSTOMER,
        at: '2026-11-22T09:00:00Z',
        customer: { email: 'seed@example.com', locale: 'en', firstName: 'Sid' },
      });
      expect(seed.status).toBe(202);
      await settled(runtime);
    });
    // Journeys started by accepted events finish their sends before the table goes away.
    afterAll(async () => {
      await settled(runtime);
      await runtime.stop();
    });

    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const before = await tableSnapshot(runtime);
      const res = await rawRequest(`${runtime.urls.api}${c.path}`, c);
      expectRefusal(res, c);
      await settled(runtime);
      expect(await tableSnapshot(runtime)).toBe(before);
    });

    it('still answers a valid event after all of them', async () => {
      const res = await postEvent(runtime, { ...purchase(), eventId: 'after-all' });
      expect(res.status).toBe(202);
    });
  });
}

function expectRefusal(res: RawResponse, c: HostileCase): void {
  // The status first, with the answer in the message when it is wrong.
  expect({ status: res.status, text: res.text.slice(0, 300) }).toMatchObject({ status: c.status });
  // A case that names a field expects the JSON error body that names it, not a page.
  if (c.field !== undefined) expect(res.contentType).toMatch(/^application\/json/);
  if (!res.contentType.startsWith('application/json')) return;
  const body = JSON.parse(res.text) as ErrorBody;
  expect(body.error).toEqual(expect.any(String));
  expect(body.problems).toEqual(expect.any(Array));
  if (c.field !== undefined) {
    const fields = body.problems.map((p) => p.field);
    expect(
      fields.some((f) => f === c.field || f.startsWith(`${c.field}.`) || f.startsWith(`${c.field}[`)),
    ).toBe(true);
  }
}
