import type { LocalRuntime } from '../../local/runtime';
import type { VirtualTime } from '../../local/virtual-time';
import { httpRequest } from '../support/http';
import { inbox, itemsOf, postEvent, profileOf } from '../support/local';
import { startScratchRuntime, type ScratchRuntime } from '../support/scratch';

/** Two text offers a day apart: enough to see a STOP reply end what was still to come. */
// Marketing SMS needs an explicit opt-in (settings.yaml `consent`): these customers gave it with the order.
const SMS_OPT_IN = { sms: 'subscribed' };
const SMS_JOURNEY = `id: text-offers
version: 1
description: Two offers by text message, a day apart.
entry: { event: purchase }
steps:
  - { id: first-offer, type: send, channel: sms, template: personal-offer, topic: offers }
  - { id: a-day-later, type: wait, duration: 1d }
  - { id: second-offer, type: send, channel: sms, template: personal-offer, topic: offers }
`;

describe('trust on the local runtime: erasure and SMS opt-out', () => {
  let scratch: ScratchRuntime;
  let runtime: LocalRuntime;
  let time: VirtualTime;
  beforeAll(async () => {
    scratch = await startScratchRuntime(
      { 'text-offers': SMS_JOURNEY },
      { virtualStart: '2026-03-02T02:00:00Z' },
    );
    ({ runtime } = scratch);
    time = scratch.time!;
  });
  afterAll(() => scratch.stop());

  const now = () => time.clock.now().toISOString();
  const purchase = (customerId: string, n: number, customer: Record<string, unknown>) =>
    postEvent(runtime, {
      eventId: `${customerId}-order-${n}`,
      type: 'purchase',
      customerId,
      at: now(),
      amount: 19.9,
      currency: 'CNY',
      customer: { locale: 'en', ...customer },
    });

  it('DELETE /customers/{id}: profile, events and messages gone, journeys stopped, the address never contacted again', async () => {
    expect(
      (await purchase('erin', 1, { email: 'erin@example.com', phone: '+447700900456', consent: SMS_OPT_IN }))
        .status,
    ).toBe(202);
    await time.run(runtime.activity, { until: '2026-03-02T03:00:00Z' });
    // The first-purchase thank-you went out; the journey now waits three days for the next step.
    expect(await inbox(runtime, 'erin@example.com')).toHaveLength(1);
    expect((await itemsOf(runtime, 'erin')).length).toBeGreaterThan(3);

    const res = await httpRequest(`${runtime.urls.api}/customers/erin`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ customerId: 'erin', suppressed: 2 });
    expect(res.json<{ stopped: number; deleted: number }>().stopped).toBeGreaterThanOrEqual(2);
    expect(await itemsOf(runtime, 'erin')).toEqual([]);
    expect(await profileOf(runtime, 'erin')).toBeUndefined();
    const running = runtime.stepFunctions
      .listExecutions()
      .filter((e) => e.input.includes('"erin"') && e.status === 'RUNNING');
    expect(running).toEqual([]);

    // Erasing again finds nothing and changes nothing.
    const again = await httpRequest(`${runtime.urls.api}/customers/erin`, { method: 'DELETE' });
    expect(again.json()).toMatchObject({ deleted: 0, stopped: 0, suppressed: 0 });

    // Weeks later, another system sends her address again under a new id: nothing reaches her.
    await time.run(runtime.activity, { until: '2026-03-20T02:00:00Z' });
    expect(
      (
        await purchase('erin-2', 1, {
          email: 'Erin@Example.com',
          phone: '+447700900456',
          consent: SMS_OPT_IN,
        })
      ).status,
    ).toBe(202);
    await time.run(runtime.activity, { until: '2026-04-20T02:00:00Z' });
    expect(await inbox(runtime, 'erin@example.com')).toHaveLength(1);
    expect(await inbox(runtime, 'Erin@Example.com')).toHaveLength(0);
    expect(runtime.outbox.messages.filter((m) => m.to === '+447700900456')).toHaveLength(1);
    const skipped = await itemsOf(runtime, 'erin-2', 'MESSAGE#');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.map((i) => i.reason)).toEqual(skipped.map(() => 'suppressed'));
  });

  it('an id that cannot be a customer id: 400 naming it, nothing changed', async () => {
    const res = await httpRequest(`${runtime.urls.api}/customers/not%20an%20id!`, { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ problems: [{ field: 'id', value: 'not an id!' }] });
  });

  it('the same as an event: {"type": "erase"} on POST /events', async () => {
    await purchase('finn', 1, { email: 'finn@example.com' });
    await time.run(runtime.activity, { until: '2026-04-20T03:00:00Z' });
    const res = await postEvent(runtime, { eventId: 'gdpr-1', type: 'erase', customerId: 'finn', at: now() });
    expect(res.status).toBe(202);
    expect(await itemsOf(runtime, 'finn')).toEqual([]);
  });

  it('a STOP reply suppresses the number at once and stops the text journey: the second offer never goes', async () => {
    await purchase('gus', 1, { email: 'gus@example.com', phone: '+447700900789', consent: SMS_OPT_IN });
    await time.run(runtime.activity, { until: '2026-04-20T06:00:00Z' });
    expect(runtime.outbox.messages.filter((m) => m.to === '+447700900789')).toHaveLength(1);
    // The outbox page shows it beside the link to the email inbox.
    const page = await httpRequest(runtime.urls.smsOutbox);
    expect(page.text).toContain('<td>+447700900789</td><td>PROMOTIONAL</td><td>1</td>');
    expect(page.text).toContain(runtime.urls.inbox);

    const reply = await httpRequest(`${runtime.urls.api}/_local/sms/inbound`, {
      method: 'POST',
      body: JSON.stringify({ from: '+447700900789', body: 'STOP' }),
    });
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ suppressed: [{ customers: ['gus'] }] });
    expect((await profileOf(runtime, 'gus'))?.suppressed?.sms).toMatchObject({ reason: 'opt-out' });

    await time.run(runtime.activity, { until: '2026-04-23T06:00:00Z' });
    expect(runtime.outbox.messages.filter((m) => m.to === '+447700900789')).toHaveLength(1);
    const textRun = runtime.stepFunctions
      .listExecutions()
      .find((e) => e.stateMachineArn.endsWith('rapport-text-offers') && e.input.includes('"gus"'));
    expect(textRun?.status).toBe('ABORTED');
    // Email is another channel: the thank-you for the order still reached them.
    expect(await inbox(runtime, 'gus@example.com')).toHaveLength(1);
  });
});
