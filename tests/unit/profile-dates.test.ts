import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { CustomerEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { DateEntry, Journey } from '../../domain/journey/schema';
import { nextUntil } from '../../domain/journey/wait-until';
import { newProfile } from '../../domain/lifecycle/apply';
import { sweep } from '../../domain/sweep';
import { WORKFLOWS_DIR } from '../support/paths';

const shipped = loadWorkflows(WORKFLOWS_DIR);
const { lifecycle } = shipped;
const calendar = { ...shipped.calendar, occasionSpreadMs: 0 };
const anniversary = Journey.parse({
  id: 'first-purchase-anniversary',
  version: 1,
  description: 'A year since their first purchase',
  entry: { date: { anniversary: 'firstPurchaseAt', timeOfDay: '09:00' } },
  reEntry: { every: '1y' },
  steps: [{ id: 'thanks', type: 'send', channel: 'email', template: 'loyal-thanks', topic: 'offers' }],
});

/** Ingest and a daily sweep (01:00 UTC) on the in-memory store, as the runtime wires them. */
function world(start: string) {
  const store = memoryStore();
  const starter = memoryStarter();
  const clock = fixedClock(start);
  const deps = {
    store,
    starter,
    clock,
    lifecycle,
    calendar,
    journeys: [anniversary],
    publisher: memoryPublisher(),
  };
  const ingest = (event: CustomerEvent) => ingestEvent(event, deps);
  const sweepDaily = async (until: string) => {
    let t = Date.parse(`${clock.now().toISOString().slice(0, 10)}T01:00:00Z`);
    if (t < clock.now().getTime()) t += 86_400_000;
    for (; t <= Date.parse(until); t += 86_400_000) {
      clock.set(new Date(t).toISOString());
      await sweep(deps);
    }
  };
  const starts = () =>
    [...starter.started.values()].map((i) => `${i.customerId} ${i.trigger.occasion} ${i.trigger.at}`).sort();
  return { store, clock, ingest, sweepDaily, starts };
}

describe('anniversaries of built-in profile dates', () => {
  it('a first purchase back-filled a year late gets its anniversary on the local day it happened', async () => {
    // Ingested on 8 March 2027: purchases made at 23:30 local on 10 March 2026, in Shanghai (15:30 UTC,
    // the same UTC date) and in Los Angeles (06:30 UTC on the 11th: the UTC date is a day late).
    const w = world('2027-03-08T12:00:00Z');
    for (const [id, timeZone, at] of [
      ['shanghai', 'Asia/Shanghai', '2026-03-10T15:30:00Z'],
      ['la', 'America/Los_Angeles', '2026-03-11T06:30:00Z'],
    ] as const) {
      const customer = { email: `${id}@example.com`, timeZone };
      await w.ingest({
        eventId: `${id}-p`,
        type: 'profile',
        customerId: id,
        at: w.clock.now().toISOString(),
        customer,
      });
      await w.ingest({
        eventId: `${id}-1`,
        type: 'purchase',
        customerId: id,
        at,
        amount: 300,
        currency: 'CNY',
      });
    }
    // The sweeper's due index already holds the anniversary (not the ingest day): 09:00 local on 10 March.
    expect((await w.store.getProfile('shanghai'))?.dueAt).toBe('2027-03-10T01:00:00.000Z');
    await w.sweepDaily('2027-03-20T01:00:00Z');
    expect(w.starts()).toEqual([
      'la firstPurchaseAt 2027-03-10T17:00:00.000Z', // 09:00 PST
      'shanghai firstPurchaseAt 2027-03-10T01:00:00.000Z', // 09:00 CST
    ]);
  });

  it('is not due on the day of the purchase itself, only from the year after', async () => {
    const w = world('2026-03-10T00:30:00Z');
    const customer = { email: 'a@example.com', timeZone: 'Asia/Shanghai' };
    await w.ingest({
      eventId: 'a-p',
      type: 'profile',
      customerId: 'a',
      at: w.clock.now().toISOString(),
      customer,
    });
    // 08:30 local: before that day's 09:00, which is no anniversary.
    await w.ingest({
      eventId: 'a-1',
      type: 'purchase',
      customerId: 'a',
      at: '2026-03-10T00:30:00Z',
      amount: 5,
      currency: 'CNY',
    });
    await w.sweepDaily('2026-03-12T01:00:00Z');
    expect(w.starts()).toEqual([]);
    expect((await w.store.getProfile('a'))?.dueAt).not.toBe('2026-03-10T01:00:00.000Z');
  });

  it('a wait until the anniversary reads the same local day', () => {
    const profile = {
      ...newProfile('c', lifecycle, new Date('2026-01-01T00:00:00Z')),
      timeZone: 'America/Los_Angeles',
      firstPurchase: { eventId: 'e', at: '2026-03-11T06:30:00Z', amount: 1, currency: 'CNY', small: true },
    };
    const until = { anniversary: 'firstPurchaseAt', timeOfDay: '09:00' };
    const at = nextUntil(
      { until, calendar: [], defaultTimeZone: 'Asia/Shanghai' },
      profile,
      new Date('2026-06-01T00:00:00Z'),
    );
    expect(at).toEqual({ at: '2027-03-10T17:00:00.000Z', found: true });
  });

  it('refuses processing times and misspelt built-in dates, with what is expected', () => {
    const problem = (anniversary: string) =>
      DateEntry.safeParse({ anniversary }).error?.issues.map((i) => i.message);
    expect(problem('createdAt')).toEqual([
      expect.stringContaining(
        'createdAt, updatedAt, evaluatedAt, dueAt and occasionsCheckedAt are when Rapport processed',
      ),
    ]);
    expect(problem('firstpurchaseat')).toEqual([expect.stringContaining('spelt exactly: firstPurchaseAt')]);
    expect(DateEntry.safeParse({ anniversary: 'lastPurchaseAt' }).success).toBe(true);
    expect(DateEntry.safeParse({ anniversary: 'weddingDay' }).success).toBe(true);
  });
});
