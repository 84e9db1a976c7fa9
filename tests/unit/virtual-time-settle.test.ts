import { Activity } from '../../local/activity';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';

const START = '2026-03-01T00:00:00.000Z';
const HOUR = 3_600_000;

/** Resolves after `n` turns of the event loop, as a call finishing through sockets or streams would. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('virtual time settles before it moves', () => {
  let time: VirtualTime;
  afterEach(() => time.uninstall());

  it('lets work that a pending callback starts a few turns after the last call finished run first', async () => {
    time = installVirtualTime(START, { date: 'now-only' });
    const activity = new Activity();
    const seen: string[] = [];
    setTimeout(() => seen.push(`timer ${new Date(Date.now()).toISOString()}`), HOUR);
    void activity.track(async () => {
      // Nothing is in flight once this ends; the follow-up starts three turns later.
      void turns(3).then(() =>
        activity.track(async () => void seen.push(`follow-up ${new Date(Date.now()).toISOString()}`)),
      );
    });
    await time.run(activity);
    expect(seen).toEqual([`follow-up ${START}`, 'timer 2026-03-01T01:00:00.000Z']);
  });

  it('moves from timer to timer at their exact instants when nothing else is pending', async () => {
    time = installVirtualTime(START, { date: 'now-only' });
    const activity = new Activity();
    const seen: number[] = [];
    for (const h of [3, 1, 2])
      setTimeout(() => void activity.track(async () => seen.push(Date.now())), h * HOUR);
    await time.run(activity, { until: '2026-03-01T02:30:00.000Z' });
    expect(seen).toEqual([1, 2].map((h) => Date.parse(START) + h * HOUR));
    expect(time.clock.now().toISOString()).toBe('2026-03-01T02:30:00.000Z');
  });
});
