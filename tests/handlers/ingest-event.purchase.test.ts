import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { suppressionKey } from '../../domain/messages/policy';
import { fixture, PURCHASE } from './support';
import {
  type BridgeEvent,
  dynamo,
  EVENTBRIDGE_FIXTURE,
  eventBridge,
  EXECUTION_NAME,
  expectJourneyStartedOnce,
  failed,
  handler,
  HTTP_BASE64_FIXTURE,
  HTTP_FIXTURE,
  type HttpEvent,
  httpWithBody,
  invoke,
  invokeHttp,
  QUEUED,
  queueFailures,
  sfn,
  startCalls,
  table,
} from './ingest-event-setup';

describe('ingest-event: the issue’s first small purchase', () => {
  it('the fixtures carry the issue’s example purchase', () => {
    expect(JSON.parse(fixture<HttpEvent>(HTTP_FIXTURE).body!)).toEqual(PURCHASE);
    const b64 = fixture<HttpEvent>(HTTP_BASE64_FIXTURE);
    expect(b64.isBase64Encoded).toBe(true);
    expect(JSON.parse(Buffer.from(b64.body!, 'base64').toString('utf8'))).toEqual(PURCHASE);
    expect(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE).detail).toEqual(PURCHASE);
  });

  it('over HTTP: 202 queued; then stage first-purchase, firstPurchaseSmall, one StartExecution with a deterministic name', async () => {
    const res = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    expect(res.statusCode).toBe(202);
    expect(res.headers).toMatchObject({ 'content-type': expect.stringMatching(/^application\/json/) });
    expect(res.json).toEqual(QUEUED);
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('announces the stage change on the event bus, with an id a consumer can deduplicate on', async () => {
    await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries).toEqual([
      expect.objectContaining({
        EventBusName: 'rapport',
        Source: 'rapport.lifecycle',
        DetailType: 'Rapport Stage Changed',
        Time: new Date(PURCHASE.at),
      }),
    ]);
    expect(JSON.parse(entries[0]!.Detail!)).toEqual({
      id: `c-42:stage:first-purchase:${PURCHASE.at}`,
      customerId: 'c-42',
      kind: 'stage',
      from: 'prospect',
      to: 'first-purchase',
      at: PURCHASE.at,
      cause: { kind: 'event', eventId: 'e-1', eventType: 'purchase' },
    });
  });

  it('EventBridge refusing the announcement fails the message (so the queue delivers it again) and records nothing as handled', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'ev-2' }] });
    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE))).toEqual(failed(1));
    expect((await table.scan()).filter((i) => String(i.sk).startsWith('EVENT#'))).toEqual([]);
    await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE));
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('over HTTP with a base64-encoded body: the same result', async () => {
    const res = await invokeHttp(fixture<HttpEvent>(HTTP_BASE64_FIXTURE));
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual(QUEUED);
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('from EventBridge through the ingest queue: the same result, and no failure reported', async () => {
    const result = await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('names the execution the same way in another table and through another entry point', async () => {
    await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    const other = await dynamo.freshTable();
    await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), handler(other));
    expect(startCalls().map((c) => c.name)).toEqual([EXECUTION_NAME, EXECUTION_NAME]);
    expect(EXECUTION_NAME.length).toBeLessThanOrEqual(80);
  });

  it('a purchase above the small threshold moves the stage but starts no journey', async () => {
    const res = await invokeHttp(httpWithBody(JSON.stringify({ ...PURCHASE, amount: 999 })));
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual(QUEUED);
    expect(startCalls()).toHaveLength(0);
    const [address, event, profile] = await table.scan();
    expect(address).toMatchObject({
      pk: `ADDRESS#${suppressionKey('email', 'li@example.com')}`,
      sk: 'CUSTOMER#c-42',
    });
    expect(event).toMatchObject({ sk: 'EVENT#e-1', executions: [] });
    expect(profile).toMatchObject({ sk: 'PROFILE', firstPurchaseSmall: false, stage: 'first-purchase' });
  });
});

describe('ingest-event: exactly once', () => {
  it('the same event twice: one stage change, one journey, one event record; the second answer says duplicate', async () => {
    const h = handler();
    const first = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
    const second = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(first.json).toEqual(QUEUED);
    // Answered from the event's record: nothing is queued for an event already applied.
    expect(second.json).toEqual({ ...QUEUED, status: 'duplicate' });
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('the same event over HTTP and then from EventBridge is still one event', async () => {
    const h = handler();
    await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
    // A duplicate is a success: the message is deleted, not delivered again.
    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual({ batchItemFailures: [] });
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('two concurrent deliveries: the profile is applied once and the journey has one name', async () => {
    const h = handler();
    const results = await Promise.all([
      invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h),
      invokeHttp(fixture<HttpEvent>(HTTP_BASE64_FIXTURE), h),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([202, 202]);
    for (const r of results) expect(['queued', 'duplicate']).toContain(r.json.status);
    await expectJourneyStartedOnce();
  });

  it('five concurrent deliveries from both entry points: still one of everything', async () => {
    const h = handler();
    await Promise.all([
      invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h),
      invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h),
      invokeHttp(fixture<HttpEvent>(HTTP_BASE64_FIXTURE), h),
      invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h),
      invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h),
    ]);
    await expectJourneyStartedOnce();
  });

  it('two different purchases at once for one customer: both count (no lost update), one journey', async () => {
    const h = handler();
    const second = httpWithBody(JSON.stringify({ ...PURCHASE, eventId: 'e-2', amount: 5 }));
    const results = await Promise.all([
      invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h),
      invokeHttp(second, h),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([202, 202]);
    const items = await table.scan();
    expect(items.map((i) => i.sk).filter((sk) => !sk.startsWith('JOURNEY#'))).toEqual([
      'CUSTOMER#c-42', // under ADDRESS#: the user of the email address checked against the suppression list
      'EVENT#e-1',
      'EVENT#e-2',
      'PROFILE',
    ]);
    const profile = items.find((i) => i.sk === 'PROFILE')!;
    // A repeat purchase makes the customer active, whichever of the two was applied first.
    expect(profile).toMatchObject({ purchaseCount: 2, version: 2, stage: 'active' });
    expect([...(profile.recentEventIds as string[])].sort()).toEqual(['e-1', 'e-2']);
    expect((profile.stageHistory as { to: string }[]).map((c) => c.to)).toEqual(['first-purchase', 'active']);
    // Whichever arrived first was the first purchase and started the journey; the other started none.
    expect(startCalls()).toHaveLength(1);
  });

  it('a crash while queueing the journey start: the message fails, its redelivery starts it once and does not count the purchase twice', async () => {
    const networkError = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: 'Error' });
    queueFailures.push(networkError);
    const h = handler();

    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual(failed(1));
    // The profile and the journey entry (written before the start) are there; the event is not handled yet.
    const afterCrash = await table.scan();
    expect(afterCrash.map((i) => i.sk)).toEqual([
      'CUSTOMER#c-42', // under ADDRESS#, written with the journey entry
      `JOURNEY#first-small-purchase#${EXECUTION_NAME}`,
      'PROFILE',
    ]);

    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual({ batchItemFailures: [] });
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('over HTTP, a failure to apply the event is delivered again by the (local, inline) queue: 202 once applied', async () => {
    queueFailures.push(new Error('socket hang up'));
    const res = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    expect(queueFailures).toEqual([]); // the first delivery met the failure
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual(QUEUED);
    await expectJourneyStartedOnce();
  });

  it('a crash from EventBridge: the message fails (so the queue delivers it again) and the retry completes the work', async () => {
    queueFailures.push(new Error('connect ETIMEDOUT'));
    const h = handler();
    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual(failed(1));
    expect(await invoke(fixture<BridgeEvent>(EVENTBRIDGE_FIXTURE), h)).toEqual({ batchItemFailures: [] });
    const profile = (await table.scan()).find((i) => i.sk === 'PROFILE');
    expect(profile).toMatchObject({ sk: 'PROFILE', purchaseCount: 1, version: 1, recentEventIds: ['e-1'] });
    expect(new Set(startCalls().map((c) => c.name))).toEqual(new Set([EXECUTION_NAME]));
  });

  it('ExecutionAlreadyExists from Step Functions means already started: 202 and the event is recorded', async () => {
    sfn.on(StartExecutionCommand).rejects(
      new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${EXECUTION_NAME}'`,
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const res = await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE));
    expect(res.statusCode).toBe(202);
    expect(res.json).toEqual(QUEUED);
    expect(startCalls()).toHaveLength(1);
    await expectJourneyStartedOnce();
  });

  it('a second purchase with another event id counts and makes the customer active, but does not restart the journey', async () => {
    const h = handler();
    await invokeHttp(fixture<HttpEvent>(HTTP_FIXTURE), h);
    const res = await invokeHttp(
      httpWithBody(JSON.stringify({ ...PURCHASE, eventId: 'e-2', at: '2026-11-23T10:00:00Z' })),
      h,
    );
    expect(res.json).toEqual({ ...QUEUED, eventId: 'e-2' });
    expect(startCalls()).toHaveLength(1);
    const profile = (await table.scan()).find((i) => i.sk === 'PROFILE');
    expect((profile!.stageHistory as { to: string; cause: { eventId: string } }[]).at(-1)).toMatchObject({
      from: 'first-purchase',
      to: 'active',
      cause: { kind: 'event', eventId: 'e-2' },
    });
    expect(profile).toMatchObject({
      stage: 'active',
      purchaseCount: 2,
      version: 2,
      recentEventIds: ['e-1', 'e-2'],
      firstPurchase: { eventId: 'e-1' },
    });
  });
});
