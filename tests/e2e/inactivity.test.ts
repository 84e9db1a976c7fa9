import type { LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import { clearInbox, firstSmallPurchase, postEvent, profileOf, startTestRuntime } from '../support/local';

/**
 * Months of customer life on the local runtime: the sweeper runs weekly here (hourly by default, as on
 * AWS; stage changes are dated at the threshold itself either way),
 * finds due customers through the DynamoDB index in dynalite, and moves them along the lifecycle.
 */
describe('inactivity, swept from the due-time index', () => {
  let time: VirtualTime;
  let runtime: LocalRuntime;
  beforeAll(async () => {
    time = installVirtualTime('2026-01-01T10:00:00Z');
    runtime = await startTestRuntime(time.clock, { sweepEveryMs: 7 * 86_400_000 });
    await clearInbox(runtime);
  });
  afterAll(async () => {
    await runtime.stop();
    time.uninstall();
  });

  it('a customer who stops buying becomes dormant after 90 days, then lost after 365; one who comes back is reactivated', async () => {
    const quiet = {
      ...firstSmallPurchase({ eventId: 'q-1', customerId: 'c-quiet', email: 'q@example.com' }),
      at: '2026-01-01T10:00:00Z',
    };
    const back = {
      ...firstSmallPurchase({ eventId: 'b-1', customerId: 'c-back', email: 'b@example.com' }),
      at: '2026-01-01T10:00:00Z',
    };
    expect((await postEvent(runtime, quiet)).status).toBe(202);
    expect((await postEvent(runtime, back)).status).toBe(202);

    await time.run(runtime.activity, { until: '2026-04-15T00:00:00Z' });
    const dormant = await profileOf(runtime, 'c-quiet');
    expect(dormant?.stage).toBe('dormant');
    expect(dormant?.stageHistory.at(-1)).toEqual({
      from: 'first-purchase',
      to: 'dormant',
      at: '2026-04-01T10:00:00.000Z',
      cause: { kind: 'timer' },
    });
    expect(dormant?.dueAt).toBe('2027-01-01T10:00:00.000Z');

    const res = await postEvent(runtime, { ...back, eventId: 'b-2', at: '2026-04-15T00:00:00Z', amount: 60 });
    expect(res.json()).toMatchObject({ status: 'queued' });
    expect((await profileOf(runtime, 'c-back'))?.stage).toBe('reactivated');

    await time.run(runtime.activity, { until: '2027-01-10T00:00:00Z' });
    expect((await profileOf(runtime, 'c-quiet'))?.stage).toBe('lost');
    expect((await profileOf(runtime, 'c-quiet'))?.dueAt).toBeUndefined();
    // 90 days after 2026-04-15: dormant again.
    expect((await profileOf(runtime, 'c-back'))?.stageHistory.map((c) => c.to)).toEqual([
      'first-purchase',
      'dormant',
      'reactivated',
      'dormant',
    ]);
  }, 60_000);
});
