import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Activity } from '../../local/activity';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import { itemsOf, postEvent } from '../support/local';
import { COME_BACK_SOON, workflowsWith } from '../support/workflows';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-22T10:00:00Z'); // 18:00 in Shanghai, 05:00 in New York (quiet hours)
/** Stopped an hour in; started again a day and four hours later (10:00 in New York, 23:00 in Shanghai). */
const STOP = T0 + 3_600_000;
const RESTART = T0 + DAY + 5 * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Issue 10: a restart of `npm start` (graceful, with the runtime down for more than a day) keeps every
 * journey where it waited. A 3-day wait ends at its original due time; a quiet-hours deferral whose end
 * passed while the runtime was down sends at once; a wait-for-event keeps its token (an event after the
 * restart answers it) and its original deadline.
 */
describe('waits across a restart', () => {
  const wf = workflowsWith({ 'journeys/come-back-soon.yaml': COME_BACK_SOON });
  const dataDir = mkdtempSync(join(tmpdir(), 'rapport-resume-'));
  let time: VirtualTime;
  let runtime: LocalRuntime | undefined;
  const providerCalls: string[] = [];
  afterAll(async () => {
    await runtime?.stop();
    time?.uninstall();
    wf.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<LocalRuntime> {
    const r = await startLocalRuntime({ dataDir, workflowsDir: wf.dir, clock: time.clock, sweepEveryMs: 0 });
    r.clients.ses.middlewareStack.add(
      (next) => async (args) => {
        const raw = (args.input as { RawMessage?: { Data?: Uint8Array } }).RawMessage?.Data;
        providerCalls.push(/c-[a-z]+/.exec(Buffer.from(raw ?? []).toString('utf8'))?.[0] ?? '?');
        return next(args);
      },
      { step: 'initialize' },
    );
    return r;
  }

  const customer = (id: string, timeZone: string) => ({ email: `${id}@example.com`, locale: 'en', timeZone });
  const purchase = (id: string, amount: number, timeZone: string, at: number) => ({
    eventId: `${id}-buy`,
    type: 'purchase',
    customerId: id,
    at: iso(at),
    amount,
    currency: 'CNY',
    customer: customer(id, timeZone),
  });
  const signUp = (id: string) => ({
    eventId: `${id}-signup`,
    type: 'profile',
    customerId: id,
    at: iso(T0),
    customer: customer(id, 'Asia/Shanghai'),
  });

  async function sent(id: string): Promise<string[]> {
    return (await itemsOf(runtime!, id, 'MESSAGE#'))
      .filter((m) => m.status === 'sent')
      .map((m) => `${String(m.template)} ${String(m.sentAt)}`)
      .sort((a, b) => a.split(' ')[1]!.localeCompare(b.split(' ')[1]!));
  }

  it('ends each wait when it would have ended without the restart, or at once if that time has passed', async () => {
    time = installVirtualTime(iso(T0));
    runtime = await start();
    for (const event of [
      purchase('c-day', 19.9, 'Asia/Shanghai', T0),
      purchase('c-night', 19.9, 'America/New_York', T0),
      signUp('c-wait'),
      signUp('c-never'),
    ])
      expect((await postEvent(runtime, event)).status).toBe(202);
    await time.run(runtime.activity, { until: iso(STOP) });
    await runtime.stop();
    runtime = undefined;
    await time.run(new Activity(), { until: iso(RESTART) });

    runtime = await start();
    const resumed = runtime.resumedAtStart.resumed.map((r) => r.checkpoint?.kind).sort();
    // c-day in its 3-day wait, c-night deferred by quiet hours, c-wait and c-never waiting for a purchase.
    expect(resumed).toEqual(['callback', 'callback', 'wait', 'wait']);
    await time.run(runtime.activity, { until: iso(T0 + 2 * DAY) });
    const late = purchase('c-wait', 500, 'Asia/Shanghai', T0 + 2 * DAY);
    expect((await postEvent(runtime, late)).status).toBe(202);
    await time.run(runtime.activity, { until: iso(T0 + 15 * DAY + RESTART - T0) });

    expect(await sent('c-day')).toEqual([
      `first-purchase-thanks ${iso(T0)}`,
      `first-purchase-tips ${iso(T0 + 3 * DAY)}`,
      `first-purchase-step-up ${iso(T0 + 14 * DAY)}`,
    ]);
    // Deferred to 09:00 in New York on the day the runtime was down: sent the moment it is back.
    expect(await sent('c-night')).toEqual([
      `first-purchase-thanks ${iso(RESTART)}`,
      `first-purchase-tips ${iso(RESTART + 3 * DAY)}`,
      `first-purchase-step-up ${iso(RESTART + 14 * DAY)}`,
    ]);
    expect(await sent('c-wait')).toEqual([`check-in ${iso(T0 + 2 * DAY)}`]);
    expect(await sent('c-never')).toEqual([`we-miss-you ${iso(T0 + 14 * DAY)}`]);
    // Each went to the provider once, across both lives of the runtime.
    expect(providerCalls.sort()).toEqual(
      ['c-day', 'c-day', 'c-day', 'c-never', 'c-night', 'c-night', 'c-night', 'c-wait'].sort(),
    );
    // The same executions, not new ones: same names, their timelines showing where they were resumed.
    const executions = runtime.stepFunctions.listExecutions();
    expect(executions.every((e) => e.status === 'SUCCEEDED')).toBe(true);
    const cDay = executions.find((e) => e.name.includes('c-day'));
    expect(cDay?.statesEntered.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'thank-you',
        'let-it-arrive',
        'let-it-arrive (resumed)',
        'how-to-get-the-most',
      ]),
    );
  }, 300_000);
});
