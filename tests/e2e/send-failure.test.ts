import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SendRawEmailCommandInput } from '@aws-sdk/client-ses';
import { METRIC } from '../../functions/shared/observability';
import type { LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import { firstSmallPurchase, itemsOf, postEvent, startTestRuntime, TEST_NOW } from '../support/local';

/**
 * SES throttles: a throttled send is retried with back-off, then deferred through the quiet-hours loop,
 * and goes out once when SES accepts it; a send SES refuses for more than a day gives up, is recorded
 * `failed` and counted, and the customer goes on through the journey to its end. The same compiled
 * journey, handlers and emulators as `npm start`, on a virtual clock (the waits pass at once).
 */
describe('a journey whose sends SES throttles', () => {
  let time: VirtualTime;
  let runtime: LocalRuntime;
  let sesCalls = 0;
  /** How many more calls SES refuses, whatever they send. */
  let refuseNext = 0;
  /** Customers (by SES tag) whose `thank-you` SES refuses for good. */
  const refuseThanksTo = new Set<string>();
  const counted = jest.spyOn(Metrics.prototype, 'addMetric');
  // The dimensions each one-off metric (metrics.singleMetric()) was given: the service-wide count has none.
  const dimensionsOf = new WeakMap<Metrics, Record<string, string>>();
  const addDimension = Metrics.prototype.addDimension;
  jest.spyOn(Metrics.prototype, 'addDimension').mockImplementation(function (this: Metrics, name, value) {
    dimensionsOf.set(this, { ...dimensionsOf.get(this), [name]: value });
    return addDimension.call(this, name, value);
  });
  /** MessagesFailed counted: service-wide (`dimensions` undefined), or with exactly these dimensions. */
  const failures = (dimensions?: Record<string, string>) =>
    counted.mock.calls.filter(
      ([name], i) =>
        name === METRIC.messagesFailed &&
        JSON.stringify(dimensionsOf.get(counted.mock.contexts[i] as Metrics)) === JSON.stringify(dimensions),
    ).length;
  const perJourney = { journey: 'first-small-purchase', channel: 'email' };
  beforeAll(async () => {
    time = installVirtualTime(TEST_NOW);
    runtime = await startTestRuntime(time.clock, { sweepEveryMs: 0 });
    // Before the SDK's own retries: each attempt to reach SES counts, as a throttled account answers it.
    runtime.clients.ses.middlewareStack.add(
      (next) => async (args) => {
        sesCalls++;
        const tags = new Map(
          ((args.input as SendRawEmailCommandInput).Tags ?? []).map((t) => [t.Name, t.Value]),
        );
        const forGood = tags.get('step') === 'thank-you' && refuseThanksTo.has(tags.get('customer') ?? '');
        if (refuseNext > 0 || forGood) {
          refuseNext = Math.max(0, refuseNext - 1);
          throw Object.assign(new Error('Maximum sending rate exceeded.'), {
            name: 'Throttling',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'build', name: 'sesThrottles' },
    );
  });
  afterAll(async () => {
    await runtime.stop();
    time.uninstall();
    counted.mockRestore();
  });

  it('a send throttled 8 times waits (its Retry, then a deferral) and goes out once; the execution succeeds', async () => {
    sesCalls = 0;
    refuseNext = 8;
    const res = await postEvent(
      runtime,
      firstSmallPurchase({ customerId: 'c-slow', email: 's@example.com' }),
    );
    expect(res.status).toBe(202);
    await time.run(runtime.activity);

    const [execution, ...others] = runtime.stepFunctions.listExecutions();
    expect(others).toEqual([]);
    expect(execution?.status).toBe('SUCCEEDED');
    const entered = execution!.statesEntered.map((s) => s.name);
    // Tried 1 + 5 times (the throttling Retry), deferred, then accepted on the third try of the next round.
    expect(entered.slice(0, 5)).toEqual([
      'thank-you',
      'thank-you-deferred',
      'thank-you-quiet-hours',
      'thank-you',
      'let-it-arrive',
    ]);
    const messages = await itemsOf(runtime, 'c-slow', 'MESSAGE#');
    const sent = messages.filter((m) => m.status === 'sent');
    expect(sent).toEqual(messages);
    expect(new Set(sent.map((m) => m.stepId)).size).toBe(sent.length);
    expect(sesCalls).toBe(8 + sent.length);
    expect(failures()).toBe(0);
  });

  it('a send refused for more than a day gives up once, after a quiet-hours wait too, and is recorded failed', async () => {
    const before = failures();
    const beforeJourney = failures(perJourney);
    refuseThanksTo.add(Buffer.from('c-night', 'utf8').toString('hex'));
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
    const failedAt = entered.indexOf('thank-you-failed');
    expect(entered.slice(failedAt, failedAt + 2)).toEqual(['thank-you-failed', 'let-it-arrive']);
    // Deferred first by quiet hours, then round after round while SES refused, for a day at least.
    const rounds = entered.slice(0, failedAt).filter((n) => n === 'thank-you-deferred').length;
    expect(rounds).toBeGreaterThan(10);
    const messages = await itemsOf(runtime, 'c-night', 'MESSAGE#');
    const thanks = messages.filter((m) => m.stepId === 'thank-you');
    expect(thanks).toHaveLength(1);
    expect(thanks[0]).toMatchObject({ status: 'failed', error: 'ThrottledTooLongError' });
    expect(thanks[0]).not.toHaveProperty('deferredUntil');
    // No personal data on a failure record: no address, no subject, no provider message.
    expect(Object.keys(thanks[0]!)).not.toEqual(expect.arrayContaining(['to']));
    expect(messages.filter((m) => m.stepId !== 'thank-you').every((m) => m.status === 'sent')).toBe(true);
    expect(failures() - before).toBe(1);
    expect(failures(perJourney) - beforeJourney).toBe(1);
  });
});
