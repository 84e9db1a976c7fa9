import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import {
  clearInbox,
  firstSmallPurchase,
  inbox,
  postEvent,
  profileOf,
  startTestRuntime,
} from '../support/local';

/**
 * The compiled journey, the same handlers and the same emulators as `npm start`, on a virtual clock:
 * the 3-day wait passes in milliseconds, and every timestamp is exactly where the journey puts it.
 */
describe('first-small-purchase in virtual time', () => {
  let time: VirtualTime;
  let runtime: LocalRuntime;
  beforeAll(async () => {
    time = installVirtualTime('2026-11-22T10:00:05Z');
    // No sweeper: this journey does not depend on inactivity, and without a periodic timer the run ends
    // by itself once nothing is left to do.
    runtime = await startTestRuntime(time.clock, { sweepEveryMs: 0 });
    await clearInbox(runtime);
  });
  afterAll(async () => {
    await runtime.stop();
    time.uninstall();
  });

  it('runs the journey with its 3-day wait to completion in well under 2 s of real time', async () => {
    const realStart = performance.now();
    const res = await postEvent(runtime, firstSmallPurchase({ customerId: 'c-vt', email: 'vt@example.com' }));
    expect(res.status).toBe(202);
    await time.run(runtime.activity);
    const realMs = performance.now() - realStart;

    const { executions = [] } = await runtime.clients.sfn.send(new ListExecutionsCommand({}));
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const emails = await inbox(runtime, 'vt@example.com');
    expect(emails.map((e) => e.subject)).toEqual(['感谢您的第一笔订单', '让您的商品物尽其用的三个小建议']);
    // aws-ses-v2-local stamps each email with the (virtual) clock in epoch seconds.
    expect(emails.map((e) => new Date(e.at * 1000).toISOString())).toEqual([
      '2026-11-22T10:00:05.000Z',
      '2026-11-25T10:00:05.000Z',
    ]);
    expect(time.clock.now().toISOString()).toBe('2026-11-25T10:00:05.000Z');
    expect((await profileOf(runtime, 'c-vt'))?.stage).toBe('first-purchase');
    expect(realMs).toBeLessThan(2000);
  });
});
