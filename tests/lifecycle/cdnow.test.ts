import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadWorkflows } from '../../domain/config/load';
import type { PurchaseEvent } from '../../domain/events/schema';
import { replayLifecycle, type ReplayResult } from '../../local/replay';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * The real CDNOW purchase history (23,570 customers, 69,659 purchases, 1997-01 … 1998-06) replayed
 * through the lifecycle with hourly sweeps (as on AWS; `rapport import` runs the same replay), checked
 * against counts made directly from the raw file. Each purchase is at midnight UTC of its day, moved 28
 * years on as the CDNOW preset moves it (the calendar repeats: same weekdays and leap days, so every
 * interval is the same) to pass the API's `events.earliest`, which the replay checks as the API does.
 */
const FILE = findUp(join('shared', 'data', 'cdnow', 'CDNOW_master.txt'));

/** The data sits beside the checkout (../shared), however deep the checkout is (a git worktree is deeper). */
function findUp(path: string, dir = join(__dirname, '..', '..', '..')): string {
  const candidate = join(dir, path);
  return existsSync(candidate) || dirname(dir) === dir ? candidate : findUp(path, dirname(dir));
}
/**
 * `npm test` replays every fourth customer (ids 1, 5, 9, …: 5,893 customers, about a quarter of the
 * events), checked against their own raw rows; `npm run test:cdnow` replays them all and checks the
 * published totals too. The whole history takes 30 s alone and over 40 s in the suite on 2 cores.
 */
const FULL = process.env.RAPPORT_CDNOW === 'full';
const inRun = (customer: string) => FULL || Number(customer) % 4 === 1;
const SHIFT_YEARS = 28;
const AT = '2026-06-30T00:00:00.000Z';
const DAY = 86_400_000;

interface Row {
  customer: string;
  date: string;
  dollars: number;
}

function readRows(): Row[] {
  return readFileSync(FILE, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length === 4)
    .map(([customer, date, , dollars]) => ({ customer: customer!, date: date!, dollars: Number(dollars) }));
}

const isoDate = (yyyymmdd: string) =>
  `${Number(yyyymmdd.slice(0, 4)) + SHIFT_YEARS}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}T00:00:00.000Z`;

describe(`CDNOW purchase history replayed through the lifecycle (${FULL ? 'every' : 'every fourth'} customer)`, () => {
  const all = readRows();
  const rows = all.filter((r) => inRun(r.customer));
  const customers = new Set(rows.map((r) => r.customer)).size;
  let result: ReplayResult;

  beforeAll(async () => {
    expect(existsSync(FILE)).toBe(true);
    const events: PurchaseEvent[] = rows.map((r, i) => ({
      eventId: `row-${i + 1}`,
      type: 'purchase',
      customerId: `cdnow-${r.customer}`,
      at: isoDate(r.date),
      amount: r.dollars,
      currency: 'USD',
    }));
    const { lifecycle, settings } = loadWorkflows(WORKFLOWS_DIR);
    result = await replayLifecycle(events, { lifecycle, eventTimes: settings.events, asOf: AT });
  }, 300_000); // 40 s on a developer's machine; a busy CI machine takes twice that or more

  it('applies every event: none refused, none after the cut-off', () => {
    expect(result.rejected).toEqual([]);
    expect(result.leftOut).toBe(0);
    expect(result.applied).toBe(rows.length);
  });

  it('reads the whole file, and keeps one profile per customer replayed', () => {
    expect(all).toHaveLength(69_659);
    expect(new Set(all.map((r) => r.customer)).size).toBe(23_570);
    expect(customers).toBe(FULL ? 23_570 : 5_893);
    expect(result.store.profiles.size).toBe(customers);
  });

  it('customers with no purchase for 90 days or more are dormant or lost, exactly as counted from the raw file', () => {
    const lastDate = new Map<string, string>();
    for (const r of rows) if ((lastDate.get(r.customer) ?? '') < r.date) lastDate.set(r.customer, r.date);
    const daysSince = (d: string) => (Date.parse(AT) - Date.parse(isoDate(d))) / DAY;
    const inactive90 = [...lastDate.values()].filter((d) => daysSince(d) >= 90).length;
    const inactive365 = [...lastDate.values()].filter((d) => daysSince(d) >= 365).length;

    const { stageCounts } = result;
    expect((stageCounts.dormant ?? 0) + (stageCounts.lost ?? 0)).toBe(inactive90);
    expect(stageCounts.lost ?? 0).toBe(inactive365);
    // Printed for the record (and the README): the shape of a real population on 1998-06-30.
    console.log(
      `CDNOW on ${AT.slice(0, 10)}: ${JSON.stringify(stageCounts)}; raw: ≥90 days ${inactive90}, ≥365 days ${inactive365}`,
    );
  });

  it('every customer’s purchases are all counted, and the stages add up to the population', () => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.customer, (counts.get(r.customer) ?? 0) + 1);
    const wrong = [...counts].filter(
      ([customer, n]) => result.store.profiles.get(`cdnow-${customer}`)?.purchaseCount !== n,
    );
    expect(wrong).toEqual([]);
    expect(Object.values(result.stageCounts).reduce((a, b) => a + b, 0)).toBe(customers);
  });

  it('stage history is in time order and timer changes land on their thresholds', () => {
    const unordered = [...result.store.profiles.values()].filter((p) =>
      p.stageHistory.some((c, i) => i > 0 && c.at < p.stageHistory[i - 1]!.at),
    );
    expect(unordered.map((p) => p.customerId)).toEqual([]);
    const sample = result.store.profiles.get('cdnow-00001')!;
    // One purchase on 1997-01-01 (2025 here), then nothing: dormant 90 days later, lost 365 days later.
    expect(sample.stageHistory.map((c) => [c.to, c.at.slice(0, 10)])).toEqual([
      ['first-purchase', '2025-01-01'],
      ['dormant', '2025-04-01'],
      ['lost', '2026-01-01'],
    ]);
  });

  it('no customer holds a stage or tier whose rule they no longer meet (windows end at the cut-off)', () => {
    const byCustomer = new Map<string, Row[]>();
    for (const r of rows) byCustomer.set(r.customer, [...(byCustomer.get(r.customer) ?? []), r]);
    const wrong: string[] = [];
    const tiers: Record<string, number> = {};
    for (const [customer, own] of byCustomer) {
      const p = result.store.profiles.get(`cdnow-${customer}`)!;
      const expected = expectedAt(own);
      tiers[p.tier] = (tiers[p.tier] ?? 0) + 1;
      if (p.stage !== expected.stage || p.tier !== expected.tier)
        wrong.push(`${customer}: ${p.stage}/${p.tier}, expected ${expected.stage}/${expected.tier}`);
    }
    expect(wrong).toEqual([]);
    console.log(
      `CDNOW on ${AT.slice(0, 10)}: stages ${JSON.stringify(result.stageCounts)}; tiers ${JSON.stringify(tiers)}`,
    );
    // While windows ended at each customer's latest purchase, not at the cut-off, this found 93 customers
    // out of step: 15 `vip` (4 of them under the threshold in the year before the cut-off) and 89 `loyal`
    // who no longer bought often or spent enough (1,174 loyal and 643 active then; 1,085 and 732 now).
    expect(tiers).toEqual(FULL ? { vip: 11, regular: 23_559 } : { vip: 2, regular: 5_891 });
  });
});

/** The stage and tier the shipped lifecycle.yaml gives a customer at `AT`, worked out from their raw rows alone. */
function expectedAt(rows: readonly Row[]): { stage: string; tier: string } {
  const at = Date.parse(AT);
  const times = rows.map((r) => Date.parse(isoDate(r.date))).sort((a, b) => a - b);
  const inWindow = rows.filter((r) => Date.parse(isoDate(r.date)) > at - 365 * DAY);
  const spent = inWindow.reduce((sum, r) => sum + r.dollars, 0);
  const idle = at - times.at(-1)!;
  const [previous, latest] = times.slice(-2);
  const stage =
    idle >= 365 * DAY
      ? 'lost'
      : idle >= 90 * DAY
        ? 'dormant'
        : rows.length <= 1
          ? 'first-purchase'
          : latest! - previous! >= 90 * DAY
            ? 'reactivated'
            : inWindow.length >= 5 || spent >= 700
              ? 'loyal'
              : 'active';
  return { stage, tier: spent >= 3000 ? 'vip' : 'regular' };
}
