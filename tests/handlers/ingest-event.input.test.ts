import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSBatchResponse } from 'aws-lambda';
import { DetectSentimentCommand } from '@aws-sdk/client-comprehend';
import { InvalidEventError } from '../../domain/errors';
import { invokeLambda } from '../../local/lambda';
import { fixture, PURCHASE, sqsBatch } from './support';
import {
  type BridgeEvent,
  capturedLogs,
  comprehend,
  EVENTBRIDGE_FIXTURE,
  eventBridge,
  failed,
  handler,
  HTTP_FIXTURE,
  type HttpEvent,
  httpWithBody,
  invoke,
  invokeHttp,
  startCalls,
  table,
} from './ingest-event-setup';

describe('ingest-event: bad input is refused precisely and changes nothing', () => {
  interface ErrorBody {
    error: string;
    message: string;
    problems: { field: string; value?: unknown; expected: string }[];
  }

  async function expectRefused(event: HttpEvent, status: number) {
    const res = await invokeHttp(event);
    expect(res.statusCode).toBe(status);
    expect(res.headers).toMatchObject({ 'content-type': expect.stringMatching(/^application\/json/) });
    expect(await table.scan()).toEqual([]);
    expect(startCalls()).toHaveLength(0);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    return res.json as unknown as ErrorBody;
  }

  const body = (patch: Record<string, unknown>, omit: string[] = []) => {
    const data: Record<string, unknown> = { ...PURCHASE, ...patch };
    for (const k of omit) delete data[k];
    return JSON.stringify(data);
  };

  it('malformed JSON → 400 naming the whole body and what JSON.parse said', async () => {
    const res = await expectRefused(httpWithBody('{"eventId":"e-1",'), 400);
    expect(res.error).toBe('MalformedJsonError');
    expect(res.problems).toEqual([
      { field: '', value: '{"eventId":"e-1",', expected: expect.stringMatching(/^valid JSON \(.+\)$/) },
    ]);
  });

  it('malformed JSON in a base64 body → 400', async () => {
    const res = await expectRefused(httpWithBody('not json', true), 400);
    expect(res.problems).toEqual([
      { field: '', value: 'not json', expected: expect.stringMatching(/^valid JSON/) },
    ]);
  });

  it('an empty body → 400', async () => {
    const event = { ...fixture<HttpEvent>(HTTP_FIXTURE) };
    delete event.body;
    const res = await expectRefused(event, 400);
    expect(res.problems).toEqual([{ field: '', expected: 'a JSON object describing one event' }]);
  });

  it.each([['[]'], ['null'], ['"purchase"'], ['42']])(
    'a JSON body that is not an object (%s) → 400 on the whole input',
    async (text) => {
      const res = await expectRefused(httpWithBody(text), 400);
      expect(res.problems).toEqual([
        expect.objectContaining({ field: '', value: JSON.parse(text) as unknown }),
      ]);
    },
  );

  it('an unknown event type → 400 naming type and the known types', async () => {
    const res = await expectRefused(httpWithBody(body({ type: 'refund' })), 400);
    expect(res.error).toBe('InvalidEventError');
    expect(res.problems).toEqual([
      {
        field: 'type',
        value: 'refund',
        expected: 'an event type, one of "purchase", "profile", "feedback", "complaint", "erase"',
      },
    ]);
  });

  it('a missing customerId → 400 naming customerId', async () => {
    const res = await expectRefused(httpWithBody(body({}, ['customerId'])), 400);
    expect(res.problems).toEqual([
      { field: 'customerId', expected: 'the customer id (text, 1–128 characters), e.g. "c-42"' },
    ]);
  });

  it('a negative amount → 400 naming amount, the value and the expected range', async () => {
    const res = await expectRefused(httpWithBody(body({ amount: -5 })), 400);
    expect(res.problems).toEqual([{ field: 'amount', value: -5, expected: 'an amount of 0 or more' }]);
  });

  it('an unparseable timestamp → 400 naming at and the expected format', async () => {
    const res = await expectRefused(httpWithBody(body({ at: 'yesterday at noon' })), 400);
    expect(res.problems).toEqual([
      {
        field: 'at',
        value: 'yesterday at noon',
        expected: 'an ISO 8601 timestamp with a time zone, e.g. "2026-11-22T10:00:00Z"',
      },
    ]);
  });

  it('a timestamp without a time zone → 400', async () => {
    const res = await expectRefused(httpWithBody(body({ at: '2026-11-22T10:00:00' })), 400);
    expect(res.problems).toEqual([expect.objectContaining({ field: 'at', value: '2026-11-22T10:00:00' })]);
  });

  it('an unknown extra field → 400 naming the field, and a nested one with its path', async () => {
    const res = await expectRefused(httpWithBody(body({ coupon: 'X' })), 400);
    expect(res.problems).toEqual([
      { field: 'coupon', value: 'X', expected: expect.stringContaining('no such field') },
    ]);
    const nested = await expectRefused(
      httpWithBody(body({ customer: { ...PURCHASE.customer, nickname: 'Xiao Li' } })),
      400,
    );
    expect(nested.problems).toEqual([
      {
        field: 'customer.nickname',
        value: 'Xiao Li',
        expected: expect.stringContaining('no such field'),
      },
    ]);
  });

  it('several problems at once → all of them', async () => {
    const res = await expectRefused(httpWithBody(body({ amount: -1, currency: 'yuan' }, ['eventId'])), 400);
    expect(res.problems.map((p) => p.field).sort()).toEqual(['amount', 'currency', 'eventId']);
    expect(res.message).toContain('3 problems');
  });

  it('a body over 256 KB → 413 stating the limit', async () => {
    const big = body({ orderId: 'x'.repeat(256 * 1024) });
    const res = await expectRefused(httpWithBody(big), 413);
    expect(res.error).toBe('PayloadTooLargeError');
    expect(res.message).toContain(`request body is ${Buffer.byteLength(big)} bytes`);
    expect(res.message).toContain('expected at most 262144 bytes');
  });

  it('a base64 body whose decoded size is over 256 KB → 413', async () => {
    const res = await expectRefused(httpWithBody(body({ orderId: 'x'.repeat(256 * 1024) }), true), 413);
    expect(res.error).toBe('PayloadTooLargeError');
  });

  it('a body of exactly 256 KB is not refused for its size', async () => {
    const base = body({});
    const exact = `${base.slice(0, -1)}${' '.repeat(256 * 1024 - Buffer.byteLength(base))}}`;
    expect(Buffer.byteLength(exact)).toBe(256 * 1024);
    const res = await invokeHttp(httpWithBody(exact));
    expect(res.statusCode).toBe(202);
  });

  it('EventBridge with an invalid detail → a failure of that message alone (delivered again, then dead-lettered); the valid one beside it is applied', async () => {
    const event = fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE);
    event.detail = { ...PURCHASE, amount: -1, customerId: undefined };
    const batch = sqsBatch('sqs-ingest-batch.json', event, 'not json', PURCHASE);
    const result = (await invokeLambda('rapport-ingest-event', handler(), batch)) as SQSBatchResponse;
    // The valid third message is applied; the invalid and the unreadable ones are kept, never dropped.
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      batch.Records.slice(0, 2).map((r) => r.messageId),
    );
    expect((await table.scan()).map((i) => i.sk)).toContain('EVENT#e-1');
  });

  it('an invalid detail is logged naming its fields, without the values it quotes', async () => {
    const logs = capturedLogs();
    const event = fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE);
    event.detail = { ...PURCHASE, customer: { email: 'li@@example' } };
    try {
      expect(await invoke(event, handler(table, logs.observability))).toEqual(failed(1));
    } finally {
      logs.restore();
    }
    const written = JSON.stringify(logs.lines);
    expect(written).toContain('customer.email');
    expect(written).not.toContain('li@@example');
    expect(await table.scan()).toEqual([]);
    expect(startCalls()).toHaveLength(0);
  });

  it('an invocation that is neither an SQS batch nor DELETE /customers/{id} → InvalidEventError, nothing written', async () => {
    await expect(invokeLambda('rapport-ingest-event', handler(), PURCHASE as never)).rejects.toBeInstanceOf(
      InvalidEventError,
    );
    expect(await table.scan()).toEqual([]);
  });
});

describe('ingest-event: logs', () => {
  it('a rejected request is not logged under the previous request’s customer and event', async () => {
    const logs = capturedLogs();
    try {
      const h = handler(table, logs.observability);
      await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
      await invokeHttp(httpWithBody('{"eventId":'), h);
    } finally {
      logs.restore();
    }
    const ingested = logs.lines.find((l) => l.message === 'event ingested');
    const rejected = logs.lines.find((l) => l.message === 'event rejected');
    expect(ingested).toMatchObject({ level: 'INFO', customerId: 'c-42', eventId: 'e-1' });
    expect(rejected).toMatchObject({
      level: 'WARN',
      error: expect.objectContaining({ error: 'MalformedJsonError' }),
    });
    expect(rejected).not.toHaveProperty('customerId');
    expect(rejected).not.toHaveProperty('eventId');
  });

  it('never logs an email address, a name or a phone number, even quoted in a rejected event', async () => {
    const logs = capturedLogs();
    try {
      const h = handler(table, logs.observability);
      await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
      await invokeHttp(
        httpWithBody(
          JSON.stringify({
            ...PURCHASE,
            eventId: 'e-bad',
            customer: { email: 'li@@example', firstName: '李小龙', phone: '+86 138 0013 8000' },
          }),
        ),
        h,
      );
    } finally {
      logs.restore();
    }
    const rejected = logs.lines.find((l) => l.message === 'event rejected');
    // The rejection still says which fields were wrong, and why.
    expect(JSON.stringify(rejected)).toContain('customer.email');
    expect(JSON.stringify(rejected)).toContain('customer.phone');
    const written = JSON.stringify(logs.lines);
    for (const personal of ['li@', 'li@@example', 'example.com', '李小龙', '138 0013', '13800138000'])
      expect(written).not.toContain(personal);
  });
});

describe('ingest-event: feedback and complaints', () => {
  const complaint = {
    eventId: 'complaint-1',
    type: 'complaint',
    customerId: 'c-42',
    at: '2026-11-22T10:00:00Z',
    text: '快递太慢了，客服态度也很差，非常失望',
  };

  it('a complaint: its text is read by Comprehend (in Chinese), stored with the sentiment, and marketing pauses for 30 days', async () => {
    const res = await invokeHttp(httpWithBody(JSON.stringify(complaint)));
    expect(res.statusCode).toBe(202);
    expect(comprehend.commandCalls(DetectSentimentCommand).map((c) => c.args[0].input)).toEqual([
      { Text: complaint.text, LanguageCode: 'zh' },
    ]);
    const profile = await table.store.getProfile('c-42');
    expect(profile).toMatchObject({
      mood: { value: 'unhappy', eventId: 'complaint-1' },
      marketingPausedUntil: '2026-12-22T10:00:00.000Z',
      feedback: {
        lastComplaintAt: '2026-11-22T10:00:00Z',
        sentiment: { label: 'negative' },
        comment: { text: complaint.text },
      },
    });
    expect(profile?.relationship?.score).toEqual(expect.any(Number));
  });

  it('an NPS answer out of range → 400 naming the score and the range; nothing stored', async () => {
    const res = await invokeHttp(
      httpWithBody(
        JSON.stringify({
          eventId: 'f-1',
          type: 'feedback',
          customerId: 'c-42',
          at: complaint.at,
          survey: 'nps',
          score: 11,
        }),
      ),
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string)).toMatchObject({
      problems: [{ field: 'score', value: 11, expected: expect.stringContaining('0 to 10 for nps') }],
    });
    expect(await table.scan()).toEqual([]);
  });

  it('a sentiment the sender gives is kept: Comprehend is not asked', async () => {
    await invokeHttp(
      httpWithBody(JSON.stringify({ ...complaint, eventId: 'complaint-2', sentiment: 'mixed' })),
    );
    expect(comprehend.commandCalls(DetectSentimentCommand)).toHaveLength(0);
    expect((await table.store.getProfile('c-42'))?.feedback?.sentiment?.label).toBe('mixed');
  });
});
