import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { Settings } from '../../domain/config/settings';
import type { EventTimeWindow } from '../../domain/events/time';
import { createAcceptEventHandler } from '../../functions/accept-event/handler';
import { createIngestEventHandler } from '../../functions/ingest-event/handler';
import { createLogger } from '../../functions/shared/observability';
import { Activity } from '../../local/activity';
import { LocalHttpApi } from '../../local/http-api';
import { inlineQueue } from '../../local/inline-queue';
import { invokeLambda } from '../../local/lambda';
import { fixture } from '../handlers/support';
import { TEST_NOW, WORKFLOWS_DIR } from '../support/paths';
import { nestedText, purchase } from './harness';
import { rawRequest, type ErrorBody } from './support';

/**
 * POST /events (accept-event, its ingest queue delivering inline to ingest-event, as locally) on memory
 * adapters, with a logger that writes, and every line it wrote.
 */
function ingest(eventTimes?: EventTimeWindow) {
  const workflows = loadWorkflows(WORKFLOWS_DIR);
  const store = memoryStore();
  const lines: string[] = [];
  const logger = createLogger({ logLevel: 'INFO' });
  const capture = (chunk: unknown) => (lines.push(String(chunk)), true);
  const spies = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write')];
  spies.forEach((s) => s.mockImplementation(capture));
  const ingestHandler = createIngestEventHandler({
    logger,
    metrics: new Metrics({ namespace: 'Rapport', logger }),
    store,
    starter: memoryStarter(),
    clock: fixedClock(TEST_NOW),
    lifecycle: workflows.lifecycle,
    calendar: workflows.calendar,
    publisher: memoryPublisher(),
    journeys: [],
    sentiment: { classify: async () => 'neutral' as const },
    ...(eventTimes ? { eventTimes } : {}),
  });
  const handler = createAcceptEventHandler({
    logger,
    metrics: new Metrics({ namespace: 'Rapport', logger }),
    store,
    clock: fixedClock(TEST_NOW),
    ingestQueue: inlineQueue(
      'rapport-ingest',
      async (batch) => (await invokeLambda('rapport-ingest-event', ingestHandler, batch)) as SQSBatchResponse,
    ),
    ...(eventTimes ? { eventTimes } : {}),
  });
  const post = async (body: unknown) => {
    const event = fixture<APIGatewayProxyEventV2>('http-api-v2-post-events.json');
    const res = (await invokeLambda('rapport-accept-event', handler, {
      ...event,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      isBase64Encoded: false,
    })) as APIGatewayProxyStructuredResultV2;
    return {
      status: res.statusCode,
      text: res.body ?? '',
      json: JSON.parse(res.body ?? 'null') as ErrorBody,
    };
  };
  return { post, store, lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

describe('answers to hostile input stay small and say only what they should', () => {
  it('32,000 unknown keys: 20 problems and "and 31,980 more", a small answer and a small log line', async () => {
    const h = ingest();
    const keys = Object.fromEntries(Array.from({ length: 32_000 }, (_, i) => [i.toString(36), 0]));
    try {
      const res = await h.post(purchase(keys));
      expect(res.status).toBe(400);
      expect(res.json.problems).toHaveLength(21);
      expect(res.json.problems.at(-1)).toEqual({
        field: '',
        expected: expect.stringMatching(/^and 31980 more problems/),
      });
      expect(res.json.message).toMatch(/32000 problems/);
      expect(Buffer.byteLength(res.text)).toBeLessThan(8 * 1024);
    } finally {
      h.restore();
    }
    const rejected = h.lines.filter((l) => l.includes('event rejected'));
    expect(rejected).toHaveLength(1);
    expect(Buffer.byteLength(rejected[0]!)).toBeLessThan(16 * 1024);
  });

  it('a value 10,000 levels deep is neither echoed nor described: the answer stays short', async () => {
    const h = ingest();
    const text = JSON.stringify(purchase({ customer: { attributes: { x: 'DEEP' } } }));
    try {
      const res = await h.post(text.replace('"DEEP"', nestedText(10_000)));
      expect(res.status).toBe(400);
      expect(res.json.problems[0]?.field).toMatch(/^customer\.attributes\.x\.a/);
      expect(res.text.length).toBeLessThan(2048);
    } finally {
      h.restore();
    }
  });

  it('event times: refused beyond the configured skew and before the configured earliest, naming `at` and the range', async () => {
    const h = ingest({ maxFutureSkew: '1h', earliest: '2026-01-01T00:00:00Z' });
    try {
      const late = await h.post(purchase({ at: '2026-11-22T11:00:06Z' }));
      expect(late.status).toBe(400);
      expect(late.json.problems).toEqual([
        {
          field: 'at',
          value: '2026-11-22T11:00:06Z',
          expected: expect.stringContaining('from 2026-01-01T00:00:00Z to 2026-11-22T11:00:05Z'),
        },
      ]);
      const early = await h.post(purchase({ at: '2025-12-31T23:59:59Z' }));
      expect(early.json.problems).toEqual([
        expect.objectContaining({ field: 'at', value: '2025-12-31T23:59:59Z' }),
      ]);
      expect(h.store.profiles.size).toBe(0);
      expect((await h.post(purchase({ at: '2026-11-22T11:00:05Z' }))).status).toBe(202);
    } finally {
      h.restore();
    }
  });

  it('event times are kept as fixed-width UTC to the second, whatever offset and fraction they came with', async () => {
    const h = ingest();
    try {
      expect((await h.post(purchase({ at: '2026-11-22T18:00:00.999+08:00' }))).status).toBe(202);
    } finally {
      h.restore();
    }
    expect(h.store.profiles.get('c-hostile')?.lastPurchaseAt).toBe('2026-11-22T10:00:00Z');
  });

  it('settings.yaml: the event-time window has defaults and is checked', () => {
    const base = { brand: { name: 'B' }, locales: ['en'], defaultLocale: 'en' };
    expect(Settings.parse(base).events).toEqual({ maxFutureSkew: '1d', earliest: '2000-01-01T00:00:00Z' });
    expect(Settings.safeParse({ ...base, events: { maxFutureSkew: 'soon' } }).success).toBe(false);
    expect(Settings.safeParse({ ...base, events: { earliest: '1969-12-31T00:00:00Z' } }).success).toBe(false);
  });
});

describe('a failure inside the local API', () => {
  it('answers 500 with a generic sentence and a request id, never the internal error text, and keeps serving', async () => {
    let calls = 0;
    const api = new LocalHttpApi(
      async () => {
        calls++;
        throw new Error('ConditionalCheckFailed on CUSTOMER#c-1 at table rapport-secret-table');
      },
      new Activity(),
      () => new Date(TEST_NOW),
    );
    const url = await api.listen(0);
    const original = console.error;
    console.error = () => undefined;
    try {
      for (const _ of [1, 2]) {
        const res = await rawRequest(`${url}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(res.status).toBe(500);
        expect(res.text).not.toMatch(/Conditional|CUSTOMER#|rapport-secret-table/);
        expect(JSON.parse(res.text)).toEqual({
          error: 'InternalError',
          message: expect.stringContaining('requestId'),
          problems: [],
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        });
      }
    } finally {
      console.error = original;
      await api.close();
    }
    expect(calls).toBe(2);
  });
});
