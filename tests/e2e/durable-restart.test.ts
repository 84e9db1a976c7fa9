import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import { itemsOf, postEvent, WORKFLOWS_DIR } from '../support/local';
import { COME_BACK_SOON, workflowsWith } from '../support/workflows';

/**
 * Issue 10's acceptance: 200 customers in journeys with waits, quiet-hours deferrals and a wait-for-event,
 * the runtime stopped in the middle of a burst of purchases and started again on the same data folder,
 * and time run on: every customer gets exactly the messages an uninterrupted run of the same input gives
 * them, at the same instants, none twice.
 */

/**
 * 40 in `npm test` (each run of a customer here costs ~45 SDK calls, and both runs are needed; the suite
 * must stay within its 5 minutes); the 200 (or any number) with `npm run test:durable`, which sets
 * RAPPORT_DURABLE_CUSTOMERS.
 */
const CUSTOMERS = Number(process.env.RAPPORT_DURABLE_CUSTOMERS ?? 40);
const T0 = Date.parse('2026-03-02T01:00:00Z'); // 09:00 in Shanghai, 20:00 the day before in New York
const CRASH = T0 + 2.5 * 86_400_000;
const END = T0 + 16 * 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const id = (i: number) => `c-${String(i).padStart(3, '0')}`;

/**
 * Who does what. 3 in 4 buy on day 1 (those in New York at night are deferred by quiet hours) and enter
 * the first-purchase journey; 1 in 4 sign up and wait for a purchase (half buy after the restart, half
 * never do); 1 in 5 buy again in the burst the stop cuts into (a goal: their journey is stopped).
 */
function schedule(): { at: number; body: Record<string, unknown> }[] {
  const events: { at: number; body: Record<string, unknown> }[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const timeZone = i % 2 === 0 ? 'Asia/Shanghai' : 'America/New_York';
    const customer = { email: `${id(i)}@example.com`, locale: 'en', timeZone };
    const buy = (n: number, at: number) =>
      events.push({
        at,
        body: {
          eventId: `${id(i)}-b${n}`,
          type: 'purchase',
          customerId: id(i),
          amount: 19.9,
          currency: 'CNY',
          customer,
        },
      });
    // In 24 hourly groups through the first day, 6 or 7 customers posted side by side in each.
    if (i % 4 !== 3) buy(1, T0 + 3_600_000 * (1 + (i % 24)));
    else {
      events.push({ at: T0, body: { eventId: `${id(i)}-p`, type: 'profile', customerId: id(i), customer } });
      if (i % 8 === 3) buy(1, T0 + 6 * 86_400_000 + 3_600_000 * (i % 5));
    }
    if (i % 5 === 0) buy(2, CRASH);
  }
  return events.sort((a, b) => a.at - b.at);
}

/** Events grouped by instant, in time order. */
function byInstant(events: { at: number; body: Record<string, unknown> }[]) {
  const groups = new Map<number, Record<string, unknown>[]>();
  for (const { at, body } of events) groups.set(at, [...(groups.get(at) ?? []), body]);
  return [...groups].sort(([a], [b]) => a - b);
}

describe('a restart in the middle of the program', () => {
  // The first-purchase journey (sends, waits, quiet hours, a goal) and a wait-for-event, and no others:
  // what the restart can break, without the cost of every shipped journey for 200 customers twice.
  const others = readdirSync(join(WORKFLOWS_DIR, 'journeys')).filter(
    (f) => f !== 'first-small-purchase.yaml',
  );
  const wf = workflowsWith({
    ...Object.fromEntries(others.map((f) => [`journeys/${f}`, null])),
    'journeys/come-back-soon.yaml': COME_BACK_SOON,
  });
  afterAll(() => wf.cleanup());

  async function start(dataDir: string | undefined, time: VirtualTime): Promise<LocalRuntime> {
    return startLocalRuntime({ dataDir, workflowsDir: wf.dir, clock: time.clock, sweepEveryMs: 0 });
  }

  /** Every email the SES provider was asked for, by customer: a second send would show here. */
  function countSends(runtime: LocalRuntime, into: Map<string, number>): void {
    runtime.clients.ses.middlewareStack.add(
      (next) => async (args) => {
        const raw = String((args.input as { RawMessage?: { Data?: Uint8Array } }).RawMessage?.Data ?? '');
        const to = /c-\d{3}@example\.com/.exec(Buffer.from(raw).toString('utf8'))?.[0] ?? '?';
        into.set(to, (into.get(to) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize' },
    );
  }

  async function post(runtime: LocalRuntime, body: Record<string, unknown>, at: number) {
    const res = await postEvent(runtime, { ...body, at: iso(at) });
    expect(res.status).toBe(202);
  }

  /** The messages sent, as the store recorded them: customer, template, instant. */
  async function sent(runtime: LocalRuntime): Promise<string[]> {
    const lines: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++)
      for (const m of await itemsOf(runtime, id(i), 'MESSAGE#')) {
        expect(m.status).not.toMatch(/sending|in-doubt/);
        if (m.status === 'sent') lines.push(`${id(i)} ${String(m.template)} ${String(m.sentAt)}`);
      }
    return lines.sort();
  }

  async function run(restart: boolean) {
    // Only the run that restarts needs its data on disk.
    const dataDir = restart ? mkdtempSync(join(tmpdir(), 'rapport-durable-')) : undefined;
    const time = installVirtualTime(iso(T0));
    const sends = new Map<string, number>();
    let runtime = await start(dataDir, time);
    countSends(runtime, sends);
    let resumed: LocalRuntime['resumedAtStart'] | undefined;
    try {
      const events = schedule();
      for (const [at, group] of byInstant(events.filter((e) => e.at < CRASH))) {
        await time.run(runtime.activity, { until: iso(at) });
        await Promise.all(group.map((body) => post(runtime, body, at)));
      }
      await time.run(runtime.activity, { until: iso(CRASH) });
      const burst = events.filter((e) => e.at === CRASH);
      await Promise.all(burst.map(({ at, body }) => post(runtime, body, at)));
      if (restart) {
        // Stopped the moment the burst is answered: the journeys it started and stopped are mid-flight.
        await runtime.stop();
        runtime = await start(dataDir!, time);
        countSends(runtime, sends);
        resumed = runtime.resumedAtStart;
      }
      for (const [at, group] of byInstant(events.filter((e) => e.at > CRASH))) {
        await time.run(runtime.activity, { until: iso(at) });
        await Promise.all(group.map((body) => post(runtime, body, at)));
      }
      await time.run(runtime.activity, { until: iso(END) });
      return { messages: await sent(runtime), sends, resumed };
    } finally {
      await runtime.stop();
      time.uninstall();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('gives every customer exactly the messages of an uninterrupted run, at the same instants, none twice', async () => {
    const uninterrupted = await run(false);
    const restarted = await run(true);

    const kindsResumed = new Map<string, number>();
    for (const r of restarted.resumed?.resumed ?? []) {
      const kind = r.checkpoint?.kind ?? 'from the start';
      kindsResumed.set(kind, (kindsResumed.get(kind) ?? 0) + 1);
    }
    console.log(
      `${CUSTOMERS} customers: ${uninterrupted.messages.length} messages uninterrupted, ` +
        `${restarted.messages.length} with the restart; resumed ${JSON.stringify(Object.fromEntries(kindsResumed))}`,
    );
    expect(restarted.messages).toEqual(uninterrupted.messages);
    // Every kind of wait was resumed: a Wait (3 days, or the end of quiet hours) and a wait-for-event.
    const kinds = new Set(restarted.resumed?.resumed.map((r) => r.checkpoint?.kind ?? 'from the start'));
    expect([...kinds]).toEqual(expect.arrayContaining(['wait', 'callback']));
    expect(restarted.resumed?.resumed.length).toBeGreaterThan(CUSTOMERS / 2);
    // The provider was asked once per recorded message: nothing sent twice, across both lives.
    const perCustomer = (lines: string[]) => {
      const counts = new Map<string, number>();
      for (const line of lines) {
        const to = `${line.split(' ')[0]}@example.com`;
        counts.set(to, (counts.get(to) ?? 0) + 1);
      }
      return counts;
    };
    expect(restarted.sends).toEqual(perCustomer(restarted.messages));
    expect(uninterrupted.sends).toEqual(perCustomer(uninterrupted.messages));
    // The program did what it is for: thanks, the step-up offer and the wait-for-event's two outcomes all went out.
    const templates = new Set(restarted.messages.map((l) => l.split(' ')[1]));
    expect([...templates]).toEqual(
      expect.arrayContaining(['first-purchase-thanks', 'first-purchase-step-up', 'check-in', 'we-miss-you']),
    );
  }, 600_000);
});
