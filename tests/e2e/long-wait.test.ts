import type { VirtualTime } from '../../local/virtual-time';
import { inbox, postEvent } from '../support/local';
import { startScratchRuntime, type ScratchRuntime } from '../support/scratch';
import type { LocalRuntime } from '../../local/runtime';

/** Node clamps timers beyond ~24.8 days to 1 ms; the local runtime must still wait as long as AWS would. */
const JOURNEY = `id: much-later
version: 1
description: A wait longer than a single Node timer can hold.
entry: { event: profile }
steps:
  - { id: forty-days, type: wait, duration: 40d }
  - { id: hello, type: send, channel: email, template: check-in, category: transactional }
`;

describe('a 40-day wait on the local runtime', () => {
  let time: VirtualTime;
  let runtime: LocalRuntime;
  let scratch: ScratchRuntime;
  beforeAll(async () => {
    scratch = await startScratchRuntime({ 'much-later': JOURNEY }, { virtualStart: '2026-01-01T00:00:00Z' });
    ({ runtime } = scratch);
    time = scratch.time!;
  });
  afterAll(() => scratch.stop());

  it('sends after 40 days, not at once', async () => {
    const res = await postEvent(runtime, {
      eventId: 'p-1',
      type: 'profile',
      customerId: 'c-later',
      at: '2026-01-01T00:00:00Z',
      customer: { email: 'later@example.com', locale: 'en' },
    });
    expect(res.status).toBe(202);
    await time.run(runtime.activity, { until: '2026-02-09T00:00:00Z' });
    expect(await inbox(runtime, 'later@example.com')).toEqual([]);
    await time.run(runtime.activity);
    const emails = await inbox(runtime, 'later@example.com');
    expect(emails.map((e) => new Date(e.at * 1000).toISOString())).toEqual(['2026-02-10T00:00:00.000Z']);
  });
});
