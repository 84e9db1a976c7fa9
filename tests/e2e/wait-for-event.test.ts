import type { VirtualTime } from '../../local/virtual-time';
import { inbox, postEvent, signUp as signUpAt } from '../support/local';
import { startScratchRuntime, type ScratchRuntime } from '../support/scratch';
import type { LocalRuntime } from '../../local/runtime';

/** The callback pattern on the local runtime: a purchase resumes the wait; without one, the timeout path. */
const JOURNEY = `id: come-back-soon
version: 1
description: After signing up, wait up to 14 days for a first purchase.
entry: { event: profile }
steps:
  - { id: wait-for-purchase, type: wait-for-event, event: purchase, timeout: 14d, onEvent: thanks, onTimeout: nudge }
  - { id: thanks, type: send, channel: email, template: first-purchase-thanks, topic: offers, next: done }
  - { id: nudge, type: send, channel: email, template: check-in, topic: offers, next: done }
  - { id: done, type: exit }
`;

describe('wait-for-event', () => {
  let time: VirtualTime;
  let runtime: LocalRuntime;
  let scratch: ScratchRuntime;
  beforeAll(async () => {
    // This journey alone: the shipped ones would also answer the purchase.
    scratch = await startScratchRuntime(
      { 'come-back-soon': JOURNEY },
      { virtualStart: '2026-01-01T00:00:00Z', alone: true },
    );
    ({ runtime } = scratch);
    time = scratch.time!;
  });
  afterAll(() => scratch.stop());

  const signUp = (id: string) => signUpAt(runtime, id, time.clock.now());

  it('resumes on the event when it comes in time, and takes the timeout path when it does not', async () => {
    expect((await signUp('buyer')).status).toBe(202);
    expect((await signUp('browser')).status).toBe(202);
    await time.run(runtime.activity, { until: '2026-01-04T00:00:00Z' });
    const purchase = await postEvent(runtime, {
      eventId: 'buyer-1',
      type: 'purchase',
      customerId: 'buyer',
      at: '2026-01-04T00:00:00Z',
      amount: 20,
      currency: 'USD',
    });
    expect(purchase.status).toBe(202);
    await time.run(runtime.activity);

    const sent = async (id: string) =>
      (await inbox(runtime, `${id}@example.com`)).map((e) => [
        e.subject,
        new Date(e.at * 1000).toISOString(),
      ]);
    // 00:00Z is 08:00 in Asia/Shanghai (the default time zone), inside quiet hours: both go out at 09:00.
    expect(await sent('buyer')).toEqual([['Thank you for your first order', '2026-01-04T01:00:00.000Z']]);
    const [nudge] = await sent('browser');
    expect(nudge?.[1]).toBe('2026-01-15T01:00:00.000Z');
    const runs = runtime.stepFunctions
      .listExecutions()
      .filter((e) => e.stateMachineArn.endsWith('rapport-come-back-soon'));
    expect(runs.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
