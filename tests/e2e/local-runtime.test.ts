import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { LocalRuntime } from '../../local/runtime';
import {
  clearInbox,
  firstSmallPurchase,
  inbox,
  postEvent,
  profileOf,
  startTestRuntime,
} from '../support/local';

/**
 * The whole system as `npm start` runs it, driven over HTTP like a user would: the events API, then the
 * SES inbox over its HTTP API, the profile over the DynamoDB API and executions over the Step Functions API.
 */
describe('local runtime, end to end', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime();
    await clearInbox(runtime);
  });
  afterAll(() => runtime.stop());

  const executionsOf = async (customerId: string) => {
    const { executions = [] } = await runtime.clients.sfn.send(new ListExecutionsCommand({}));
    return executions.filter((e) => e.name?.includes(customerId));
  };

  it('a first small purchase answers 202, moves the stage, starts the journey and emails the customer in their locale', async () => {
    const res = await postEvent(runtime, firstSmallPurchase());
    expect(res.status).toBe(202);
    // Queued, and (the local ingest queue delivering at once) applied before the answer.
    expect(res.json()).toEqual({ status: 'queued', customerId: 'c-42', eventId: 'e-1' });
    expect(await executionsOf('c-42')).toHaveLength(1);

    const profile = await profileOf(runtime, 'c-42');
    expect(profile).toMatchObject({
      stage: 'first-purchase',
      firstPurchaseSmall: true,
      purchaseCount: 1,
      email: 'li@example.com',
      locale: 'zh-CN',
    });
    expect(profile?.stageHistory).toEqual([
      {
        from: 'prospect',
        to: 'first-purchase',
        at: '2026-11-22T10:00:00Z',
        cause: { kind: 'event', eventId: 'e-1', eventType: 'purchase' },
      },
    ]);

    const [execution] = await executionsOf('c-42');
    expect(execution?.stateMachineArn).toMatch(/:stateMachine:rapport-first-small-purchase$/);
    const described = await runtime.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: execution!.executionArn }),
    );
    // Waiting three days before the follow-up.
    expect(described.status).toBe('RUNNING');
    expect(JSON.parse(described.input!)).toMatchObject({
      customerId: 'c-42',
      journeyId: 'first-small-purchase',
      trigger: { eventId: 'e-1' },
    });

    // The send runs after the 202; how fast is for `npm run bench` to tell, not for an assertion.
    let emails = await inbox(runtime, 'li@example.com');
    for (let tries = 0; emails.length === 0 && tries < 500; tries++) {
      await new Promise((r) => setTimeout(r, 20));
      emails = await inbox(runtime, 'li@example.com');
    }
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email?.subject).toBe('感谢您的第一笔订单');
    expect(email?.body.text).toContain('感谢您在 Rapport Demo Store 的第一笔订单');
    expect(email?.body.text).toMatch(/退订：http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?token=[\w-]+\.[\w-]+/);
    expect(email?.body.html).toContain('<html lang="zh-CN">');
  });

  it('the same event posted again changes nothing: one stage change, one execution, one email', async () => {
    const res = await postEvent(runtime, firstSmallPurchase());
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ status: 'duplicate', customerId: 'c-42', eventId: 'e-1' });
    expect((await profileOf(runtime, 'c-42'))?.stageHistory).toHaveLength(1);
    expect(await executionsOf('c-42')).toHaveLength(1);
    expect(await inbox(runtime, 'li@example.com')).toHaveLength(1);
  });

  it('announces the stage change on the local event bus, over the EventBridge API, and serves it over HTTP', async () => {
    const res = await fetch(`${runtime.urls.api}/_local/events`);
    const events = (await res.json()) as {
      source: string;
      detailType: string;
      detail: Record<string, unknown>;
    }[];
    expect(events.filter((e) => e.detail.customerId === 'c-42')).toEqual([
      expect.objectContaining({
        source: 'rapport.lifecycle',
        detailType: 'Rapport Stage Changed',
        detail: expect.objectContaining({
          from: 'prospect',
          to: 'first-purchase',
          at: '2026-11-22T10:00:00Z',
        }),
      }),
    ]);
  });

  it('a large first purchase moves the stage but starts no small-purchase journey', async () => {
    const res = await postEvent(runtime, {
      ...firstSmallPurchase({ eventId: 'e-big', customerId: 'c-big', email: 'big@example.com' }),
      amount: 5000,
    });
    expect(res.status).toBe(202);
    expect(await profileOf(runtime, 'c-big')).toMatchObject({
      stage: 'first-purchase',
      firstPurchaseSmall: false,
    });
    expect(await executionsOf('c-big')).toHaveLength(0);
  });

  it('rejects bad input with 400 or 413, naming the field, and writes nothing', async () => {
    const before = await runtime.clients.dynamodb.send(
      new ScanCommand({ TableName: runtime.tableName, Select: 'COUNT' }),
    );
    const cases: [unknown, number, RegExp][] = [
      ['{"eventId": "x",', 400, /valid JSON/],
      [
        { ...firstSmallPurchase({ eventId: 'bad-1', customerId: 'c-bad' }), type: 'refund' },
        400,
        /type: got "refund"; expected an event type/,
      ],
      [
        { ...firstSmallPurchase({ eventId: 'bad-2' }), customerId: undefined },
        400,
        /customerId: nothing was given; expected the customer id/,
      ],
      [
        { ...firstSmallPurchase({ eventId: 'bad-3', customerId: 'c-bad' }), amount: -5 },
        400,
        /amount: got -5; expected an amount of 0 or more/,
      ],
      [
        { ...firstSmallPurchase({ eventId: 'bad-4', customerId: 'c-bad' }), at: 'yesterday' },
        400,
        /at: got "yesterday"; expected an ISO 8601 timestamp/,
      ],
      [
        { ...firstSmallPurchase({ eventId: 'bad-5', customerId: 'c-bad' }), padding: 'x'.repeat(300 * 1024) },
        413,
        /expected at most 262144 bytes/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await postEvent(runtime, body);
      expect(res.status).toBe(status);
      const answer = res.json() as { message: string };
      expect(answer.message).toMatch(message);
    }
    const after = await runtime.clients.dynamodb.send(
      new ScanCommand({ TableName: runtime.tableName, Select: 'COUNT' }),
    );
    expect(after.Count).toBe(before.Count);
    expect(await executionsOf('c-bad')).toHaveLength(0);
  });

  it('the unsubscribe link in the email works: GET only asks, one-click POST opts out, a tampered token is refused', async () => {
    const [email] = await inbox(runtime, 'li@example.com');
    const url = /(http:\/\/\S+\/unsubscribe\?token=\S+)/.exec(email!.body.text!)?.[1];
    expect(url).toBeDefined();
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await profileOf(runtime, 'c-42'))?.consent.email.status).toBe('subscribed');

    // RFC 8058 one-click, as a mail client sends it from the List-Unsubscribe-Post header.
    const oneClick = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await profileOf(runtime, 'c-42'))?.consent.email).toMatchObject({
      status: 'unsubscribed',
      source: 'unsubscribe-link',
    });

    const tampered = await fetch(url!.replace(/token=(\w)/, 'token=X'), { method: 'POST' });
    expect(tampered.status).toBe(400);
  });
});
