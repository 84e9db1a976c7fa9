import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../functions/shared/observability';
import type { LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import { firstSmallPurchase, itemsOf, postEvent, startTestRuntime, TEST_NOW } from '../support/local';

/**
 * SES refuses every email for good (it throttles each one): each send step spends its Retry, is caught,
 * recorded `failed` and counted, and the customer goes on through the journey to its end. The same
 * compiled journey, handlers and emulators as `npm start`, on a virtual clock (the back-off waits pass
 * at once).
 */
describe('a journey whose sends fail for good', () => {
  let time: VirtualTime;
  let runtime: LocalRuntime;
  let sesCalls = 0;
  const counted = jest.spyOn(Metrics.prototype, 'addMetric');
  beforeAll(async () => {
    time = installVirtualTime(TEST_NOW);
    runtime = await startTestRuntime(time.clock, { sweepEveryMs: 0 });
    // Before the SDK's own retries: every attempt to reach SES is refused, as a throttled account would be.
    runtime.clients.ses.middlewareStack.add(
      () => async () => {
        sesCalls++;
        throw Object.assign(new Error('Maximum sending rate exceeded.'), {
          name: 'Throttling',
          $metadata: { httpStatusCode: 400 },
        });
      },
      { step: 'build', name: 'sesRefusesEverything' },
    );
  });
  afterAll(async () => {
    await runtime.stop();
    time.uninstall();
    counted.mockRestore();
  });

  it('records each failed send, counts it, and the execution goes on to its end and succeeds', async () => {
    const res = await postEvent(
      runtime,
      firstSmallPurchase({ customerId: 'c-fail', email: 'f@example.com' }),
    );
    expect(res.status).toBe(202);
    await time.run(runtime.activity);

    const [execution, ...others] = runtime.stepFunctions.listExecutions();
    expect(others).toEqual([]);
    expect(execution?.status).toBe('SUCCEEDED');
    const entered = execution!.statesEntered.map((s) => s.name);
    // The first send: tried 1 + 6 times (its Retry), caught, recorded, and then the journey's next step.
    expect(entered.slice(0, 3)).toEqual(['thank-you', 'thank-you-failed', 'let-it-arrive']);
    expect(entered.filter((n) => n === 'thank-you-deferred')).toEqual([]);

    const messages = await itemsOf(runtime, 'c-fail', 'MESSAGE#');
    const sends = runtime.workflows.journeys
      .find((j) => j.journey.id === 'first-small-purchase')!
      .journey.steps.filter((s) => s.type === 'send' && entered.includes(s.id));
    expect(sends.length).toBeGreaterThanOrEqual(2);
    expect(messages.map((m) => [m.stepId, m.status, m.error]).sort()).toEqual(
      sends.map((s) => [s.id, 'failed', 'MessageThrottledError']).sort(),
    );
    // No personal data on a failure record: no address, no subject, no provider message.
    for (const m of messages) expect(Object.keys(m)).not.toEqual(expect.arrayContaining(['to']));
    expect(JSON.stringify(messages)).not.toContain('f@example.com');
    expect(sesCalls).toBe(sends.length * 7);
    expect(counted.mock.calls.filter(([name]) => name === METRIC.messagesFailed)).toHaveLength(sends.length);
  });

  it('a quiet-hours deferral is no failure; a send that fails after waiting one out is recorded failed once', async () => {
    const before = counted.mock.calls.filter(([name]) => name === METRIC.messagesFailed).length;
    // 10:00 UTC is 02:00 in Los Angeles: inside quiet hours, so the thank-you waits for the morning first.
    const night = firstSmallPurchase({ customerId: 'c-night', eventId: 'e-night', email: 'n@example.com' });
    const res = await postEvent(runtime, {
      ...night,
      customer: { ...night.customer, timeZone: 'America/Los_Angeles' },
    });
    expect(res.status).toBe(202);
    await time.run(runtime.activity);

    const execution = runtime.stepFunctions.listExecutions().find((e) => e.name.includes('c-night'));
    expect(execution?.status).toBe('SUCCEEDED');
    const entered = execution!.statesEntered.map((s) => s.name);
    expect(entered.slice(0, 6)).toEqual([
      'thank-you',
      'thank-you-deferred',
      'thank-you-quiet-hours',
      'thank-you',
      'thank-you-failed',
      'let-it-arrive',
    ]);
    const [thanks] = await itemsOf(runtime, 'c-night', 'MESSAGE#').then((ms) =>
      ms.filter((m) => m.stepId === 'thank-you'),
    );
    expect(thanks).toMatchObject({ status: 'failed', error: 'MessageThrottledError' });
    expect(thanks).not.toHaveProperty('deferredUntil');
    const sends = entered.filter((n) => n.endsWith('-failed')).length;
    expect(counted.mock.calls.filter(([name]) => name === METRIC.messagesFailed).length - before).toBe(sends);
  });
});
