import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { httpRequest } from '../support/http';
import type { LocalRuntime } from '../../local/runtime';
import { newProfile } from '../../domain/lifecycle/apply';
import { createRenderer } from '../../domain/messages/render';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import {
  clearInbox,
  firstSmallPurchase,
  inbox,
  itemsOf,
  postEvent,
  profileOf,
  startTestRuntime,
} from '../support/local';

/**
 * The compiled journey, the same handlers and the same emulators as `npm start`, on a virtual clock:
 * the 3-day wait passes in milliseconds (`npm run bench` measures how few), and every timestamp is exactly
 * where the journey puts it.
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

  const stepUpSubject = () =>
    createRenderer(runtime.workflows).render({
      template: 'first-purchase-step-up',
      profile: { ...newProfile('x', runtime.workflows.lifecycle, new Date(0)), locale: 'zh-CN' },
      unsubscribeUrl: 'u',
    }).subject;

  it('runs the journey with its waits to completion, each email at the exact virtual instant', async () => {
    const res = await postEvent(runtime, firstSmallPurchase({ customerId: 'c-vt', email: 'vt@example.com' }));
    expect(res.status).toBe(202);
    await time.run(runtime.activity);

    const { executions = [] } = await runtime.clients.sfn.send(new ListExecutionsCommand({}));
    expect(executions.map((e) => [e.stateMachineArn?.split(':').at(-1), e.status])).toEqual([
      ['rapport-first-small-purchase', 'SUCCEEDED'],
    ]);
    const emails = await inbox(runtime, 'vt@example.com');
    // Thanks at once, the tip 3 days later, and with no second purchase a gentle next step at 14 days.
    expect(emails.map((e) => e.subject)).toEqual([
      '感谢您的第一笔订单',
      '让您的商品物尽其用的三个小建议',
      stepUpSubject(),
    ]);
    // aws-ses-v2-local stamps each email with the (virtual) clock in epoch seconds.
    expect(emails.map((e) => new Date(e.at * 1000).toISOString())).toEqual([
      '2026-11-22T10:00:05.000Z',
      '2026-11-25T10:00:05.000Z',
      '2026-12-06T10:00:05.000Z',
    ]);
    // The run ends with the last work there was: the provider's report of the last email's delivery, a
    // second after it (local/engagement.ts), recorded as an email-delivered event.
    expect(time.clock.now().toISOString()).toBe('2026-12-06T10:00:06.000Z');
    expect((await profileOf(runtime, 'c-vt'))?.stage).toBe('first-purchase');
  });

  it('a second purchase is the goal: the journey ends for the customer there, counted as a conversion', async () => {
    await postEvent(
      runtime,
      firstSmallPurchase({ eventId: 'g-1', customerId: 'c-goal', email: 'goal@example.com' }),
    );
    await time.run(runtime.activity, { until: new Date(time.clock.now().getTime() + 5 * 86_400_000) });
    const second = await postEvent(runtime, {
      ...firstSmallPurchase({ eventId: 'g-2', customerId: 'c-goal', email: 'goal@example.com' }),
      at: time.clock.now().toISOString(),
    });
    expect(second.json()).toMatchObject({ status: 'queued' });
    expect(await profileOf(runtime, 'c-goal')).toMatchObject({ stage: 'active' });
    expect(await itemsOf(runtime, 'c-goal', 'JOURNEY#first-small-purchase#')).toEqual([
      expect.objectContaining({ converted: { eventId: 'g-2', at: expect.any(String), attributed: true } }),
    ]);
    await time.run(runtime.activity);

    const run = runtime.stepFunctions
      .listExecutions()
      .find((e) => e.name.includes('c-goal') && e.stateMachineArn.endsWith('rapport-first-small-purchase'));
    expect(run?.status).toBe('ABORTED');
    // No nudge to a second purchase; as an active customer now, the regular check-in three weeks later.
    expect((await inbox(runtime, 'goal@example.com')).map((e) => e.subject)).toEqual([
      '感谢您的第一笔订单',
      '让您的商品物尽其用的三个小建议',
      '您的订单一切都顺利吗？',
    ]);
  });

  it('a one-click unsubscribe POST from the first email stops the next scheduled one; the skip is recorded', async () => {
    await postEvent(
      runtime,
      firstSmallPurchase({ eventId: 'u-1', customerId: 'c-unsub', email: 'unsub@example.com' }),
    );
    await time.run(runtime.activity, { until: new Date(time.clock.now().getTime() + 86_400_000) });
    const [thanks] = await inbox(runtime, 'unsub@example.com');
    const url = /(http:\/\/\S+\/unsubscribe\?token=\S+)/.exec(thanks?.body.text ?? '')?.[1];
    expect(url).toBeDefined();
    // RFC 8058: what a mail client POSTs from the List-Unsubscribe header, with no page in between.
    const res = await httpRequest(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);

    await time.run(runtime.activity);
    expect((await inbox(runtime, 'unsub@example.com')).map((e) => e.subject)).toEqual(['感谢您的第一笔订单']);
    const messages = await itemsOf(runtime, 'c-unsub', 'MESSAGE#');
    // The thanks was sent; the tip three days later and the nudge at 14 days were skipped for want of consent.
    expect(messages.map((m) => [m.stepId, m.status, m.reason ?? null]).sort()).toEqual(
      [
        ['thank-you', 'sent', null],
        ['how-to-get-the-most', 'skipped', 'no-consent'],
        ['suggest-next-step', 'skipped', 'no-consent'],
      ].sort(),
    );
  });
});
