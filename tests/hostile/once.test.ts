import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { PREFERENCES_LINK_SECONDS, signLink, type LinkClaims } from '../../domain/messages/links';
import { LOCAL_LINK_SECRET, type LocalRuntime } from '../../local/runtime';
import { settled } from './support';
import { httpRequest } from '../support/http';
import { feedbackClaims } from '../support/links';
import {
  firstSmallPurchase,
  inbox,
  postEvent,
  profileOf,
  startTestRuntime,
  TEST_NOW,
} from '../support/local';

/**
 * Hostile input for exactly-once handling, erasure and signed links, against the local runtime as
 * `npm start` runs it. Every refusal is a calm 4xx that names what is wrong and writes nothing: the
 * whole table, the inbox, the tasks, the executions and the event bus are compared before and after.
 */
const IAT = Math.floor(Date.parse(TEST_NOW) / 1000) - 3600;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime?.stop());

/** Everything a request could change, to compare before and after a refusal. */
async function snapshot() {
  await settled(runtime);
  const { Items = [] } = await DynamoDBDocumentClient.from(runtime.clients.dynamodb).send(
    new ScanCommand({ TableName: runtime.tableName, ConsistentRead: true }),
  );
  return {
    items: Items.map((i) => JSON.stringify(i)).sort(),
    emails: (await inbox(runtime)).length,
    tasks: runtime.tasks.length,
    executions: runtime.stepFunctions.listExecutions().map((e) => `${e.name}:${e.status}`),
    bus: runtime.bus.events.length,
  };
}

const link = (path: string, claims: unknown, method = 'GET', body?: string) =>
  httpRequest(`${runtime.urls.api}${path}?token=${signLink(claims as LinkClaims, LOCAL_LINK_SECRET)}`, {
    method,
    ...(body === undefined ? {} : { body, headers: FORM }),
  });

// Hostile cases bend claims to values of any type, so the patch is not held to FeedbackClaims.
const feedback = (patch: Record<string, unknown> = {}) => ({ ...feedbackClaims('c-links', IAT), ...patch });
const preferences = (patch: Record<string, unknown> = {}) => ({
  customerId: 'c-links',
  purpose: 'preferences',
  iat: IAT,
  exp: IAT + PREFERENCES_LINK_SECONDS,
  ...patch,
});
const unsubscribe = (patch: Record<string, unknown> = {}) => ({
  customerId: 'c-links',
  purpose: 'unsubscribe',
  channel: 'email',
  iat: IAT,
  ...patch,
});

describe('concurrent redelivery', () => {
  it('50 simultaneous copies of one event: all answered 202, one applied: one announcement, one journey', async () => {
    const event = firstSmallPurchase({ eventId: 'race-1', customerId: 'c-race', email: 'race@example.com' });
    const answers = await Promise.all(Array.from({ length: 50 }, () => postEvent(runtime, event)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(202));
    const statuses = answers.map((a) => a.json<{ status: string }>().status);
    // Each is queued (or found already applied); ingest applies one and finds the rest duplicates, which
    // only the effects below can show: the answer no longer carries ingest's result.
    for (const s of statuses) expect(['queued', 'duplicate']).toContain(s);
    await settled(runtime);
    const announced = runtime.bus.events.filter(
      (e) => e.source === 'rapport.lifecycle' && e.detail.customerId === 'c-race',
    );
    expect(announced.map((e) => e.detail.to)).toEqual(['first-purchase']);
    const executions = runtime.stepFunctions.listExecutions().filter((e) => e.name.includes('c-race'));
    expect(executions).toHaveLength(1);
  });
});

describe('the same event id with another payload', () => {
  const first = firstSmallPurchase({ eventId: 'reuse-1', customerId: 'c-reuse', email: 'reuse@example.com' });

  it('answers 409 naming what differs and writes nothing; the same payload, in any notation, is a duplicate', async () => {
    expect((await postEvent(runtime, first)).status).toBe(202);
    const before = await snapshot();
    const conflicts: [Record<string, unknown>, string[]][] = [
      [{ ...first, amount: 99 }, ['amount']],
      [{ ...first, at: '2026-11-22T09:00:00Z' }, ['at']],
      [{ ...first, customer: { ...first.customer, email: 'other@example.com' } }, ['customer.email']],
      [{ ...first, orderId: 'o-9', currency: 'USD' }, ['currency', 'orderId']],
      [{ ...first, type: 'profile', amount: undefined, currency: undefined }, ['amount', 'currency', 'type']],
    ];
    for (const [body, fields] of conflicts) {
      const res = await postEvent(runtime, body);
      expect(res.status).toBe(409);
      const json = res.json<{ error: string; problems: { field: string }[] }>();
      expect(json.error).toBe('EventIdReusedError');
      expect(json.problems.map((p) => p.field)).toEqual(fields);
      expect(res.text).not.toContain('reuse@example.com');
    }
    for (const same of [
      first,
      { ...first, at: '2026-11-22T18:00:00+08:00' },
      { ...first, at: '2026-11-22T10:00:00.000Z' },
      Object.fromEntries(Object.entries(first).reverse()), // another key order
    ]) {
      const res = await postEvent(runtime, same);
      expect(res.status).toBe(202);
      expect(res.json()).toMatchObject({ status: 'duplicate' });
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('signed claims are range-checked (tokens signed with the real secret)', () => {
  beforeAll(async () => {
    await postEvent(
      runtime,
      firstSmallPurchase({ eventId: 'links-1', customerId: 'c-links', email: 'l@example.com' }),
    );
  });

  const cases: [string, string, unknown, string][] = [
    ['an NPS score of 99', '/feedback', feedback({ score: 99 }), 'score'],
    ['an NPS score of -1', '/feedback', feedback({ score: -1 }), 'score'],
    ['a CSAT score of 0', '/feedback', feedback({ survey: 'csat', score: 0 }), 'score'],
    ['a CSAT score of 6', '/feedback', feedback({ survey: 'csat', score: 6 }), 'score'],
    ['a fractional score', '/feedback', feedback({ score: 7.5 }), 'score'],
    ['an unknown survey kind', '/feedback', feedback({ survey: 'ces' }), 'survey'],
    ['an expiry ten years out', '/feedback', feedback({ exp: IAT + 10 * 365 * 86_400 }), 'exp'],
    ['an expiry before the issue', '/feedback', feedback({ exp: IAT - 1 }), 'exp'],
    [
      'an issue time in the future',
      '/feedback',
      feedback({ iat: IAT + 86_400, exp: IAT + 2 * 86_400 }),
      'iat',
    ],
    ['a journey id that is a path', '/feedback', feedback({ journeyId: '../admin' }), 'journeyId'],
    ['a message key that is not one', '/feedback', feedback({ messageKey: 'x' }), 'messageKey'],
    ['a claim nobody issues', '/feedback', feedback({ role: 'admin' }), 'role'],
    ['an unknown purpose', '/feedback', feedback({ purpose: 'admin' }), 'purpose'],
    ['a preferences token on the survey page', '/feedback', preferences(), 'purpose'],
    ['a customer id with spaces', '/preferences', preferences({ customerId: 'c links' }), 'customerId'],
    [
      'a preferences link valid for ten years',
      '/preferences',
      preferences({ exp: IAT + 3650 * 86_400 }),
      'exp',
    ],
    ['a text issue time', '/preferences', preferences({ iat: 'yesterday' }), 'iat'],
    [
      'an unsubscribe link for another channel',
      '/unsubscribe',
      unsubscribe({ channel: 'pigeon' }),
      'channel',
    ],
    ['an unsubscribe link with no customer', '/unsubscribe', unsubscribe({ customerId: '' }), 'customerId'],
    ['an unsubscribe link from the future', '/unsubscribe', unsubscribe({ iat: IAT + 86_400 }), 'iat'],
  ];

  it.each(cases)(
    '%s: GET and POST answer 400 naming the claim, and nothing changes',
    async (_, path, claims, claim) => {
      const before = await snapshot();
      for (const method of ['GET', 'POST']) {
        const res = await link(path, claims, method, method === 'POST' ? 'email=on' : undefined);
        expect(res.status).toBe(400);
        expect(res.text).toContain(`${claim}: expected`);
      }
      expect(await snapshot()).toEqual(before);
    },
  );

  it('the same links within range still work (the check refuses only what is wrong)', async () => {
    expect((await link('/feedback', feedback({ score: 10 }))).status).toBe(200);
    expect((await link('/preferences', preferences())).status).toBe(200);
    expect((await link('/unsubscribe', unsubscribe())).status).toBe(200);
  });
});

describe('an erased customer does not come back', () => {
  const id = 'c-gone';
  const old = { customerId: id, iat: Math.floor(Date.parse(TEST_NOW) / 1000) };

  it('every old link (GET and POST) answers a calm 410 and changes nothing; so does an event from before', async () => {
    expect(
      (
        await postEvent(
          runtime,
          firstSmallPurchase({ eventId: 'gone-1', customerId: id, email: 'gone@example.com' }),
        )
      ).status,
    ).toBe(202);
    await settled(runtime);
    expect((await httpRequest(`${runtime.urls.api}/customers/${id}`, { method: 'DELETE' })).status).toBe(200);
    const before = await snapshot();

    const requests: [string, unknown, string, string?][] = [
      ['/feedback', feedback(old), 'GET'],
      ['/feedback', feedback(old), 'POST'],
      ['/feedback', feedback({ ...old, score: 10 }), 'POST', 'comment=hello'],
      ['/preferences', preferences(old), 'GET'],
      ['/preferences', preferences(old), 'POST', 'email=on&sms=on&topic:offers=on'],
      ['/unsubscribe', unsubscribe(old), 'GET'],
      ['/unsubscribe', unsubscribe(old), 'POST', 'List-Unsubscribe=One-Click'],
    ];
    for (const [path, claims, method, body] of requests) {
      const res = await link(path, claims, method, body);
      expect({ path, method, status: res.status }).toEqual({ path, method, status: 410 });
      expect(res.text).toContain('no longer valid');
    }
    // A late redelivery of an event from before the erasure: Gone, so its sender stops retrying.
    const late = await postEvent(runtime, firstSmallPurchase({ eventId: 'gone-2', customerId: id }));
    expect(late.status).toBe(410);
    expect(late.json()).toMatchObject({ error: 'CustomerErasedError', problems: [{ field: 'at' }] });
    expect(await snapshot()).toEqual(before);
  });

  it('a genuinely returning customer (an event after the erasure) starts afresh; old links stay void', async () => {
    const after = new Date(Date.parse(TEST_NOW) + 1000).toISOString();
    const res = await postEvent(runtime, {
      ...firstSmallPurchase({ eventId: 'back-1', customerId: id }),
      at: after,
    });
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ status: 'queued', customerId: id, eventId: 'back-1' });
    expect(await profileOf(runtime, id)).toMatchObject({ stage: 'first-purchase' });
    expect((await link('/feedback', feedback(old), 'POST')).status).toBe(410);
  });
});
