import type { LocalRuntime } from '../../local/runtime';
import type { VirtualTime } from '../../local/virtual-time';
import { buyAgain, firstPurchases, startExperimentRuntime, storedArms } from '../support/experiment';
import { httpRequest } from '../support/http';

/**
 * The experiments page against a runtime whose first-small-purchase journey starts with a split (one arm
 * held out) and has its purchase goal: its figures are checked against the stored decisions and entries.
 */

let time: VirtualTime;
let runtime: LocalRuntime;
let stop: (() => Promise<void>) | undefined;
const CUSTOMERS = Array.from({ length: 8 }, (_, i) => `x-${i}`);

beforeAll(async () => {
  ({ time, runtime, stop } = await startExperimentRuntime());
  await firstPurchases(runtime, CUSTOMERS);
  await time.run(runtime.activity, { until: '2026-11-23T10:00:00Z' });
  // Every other customer buys again a day on: within the goal's 30 days, a conversion.
  await buyAgain(
    runtime,
    CUSTOMERS.filter((_, i) => i % 2 === 0),
    '2026-11-23T09:00:00Z',
  );
  await time.run(runtime.activity, { until: '2026-11-23T11:00:00Z' });
}, 30_000);

afterAll(() => stop?.());

/** The cells of the arm's row on the page: customers, conversions, rate, lift, verdict. */
function row(html: string, arm: string): string[] {
  const tr = new RegExp(`<tr><th scope="row">${arm}</th>(.*?)</tr>`).exec(html)?.[1] ?? '';
  return [...tr.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map(([, cell = '']) => cell);
}

it('shows per arm the customers the stored decisions put there and the conversions their entries hold', async () => {
  const res = await httpRequest(`${runtime.urls.api}/experiments`);
  expect(res.status).toBe(200);
  expect(res.text).toMatch(/<a href="\/experiments" class="here">Experiments<\/a>/);
  const { decisions, converted, arms: stored } = await storedArms(runtime, CUSTOMERS);
  expect(decisions).toHaveLength(CUSTOMERS.length);
  expect(converted.size).toBe(CUSTOMERS.length / 2);
  const arms = stored.map((a) => ({
    arm: a.arm,
    customers: a.customers.length,
    conversions: a.converted.length,
  }));
  // Both arms were taken (the split is random but fixed per customer id, so this holds on every run).
  expect(arms.every((a) => a.customers > 0)).toBe(true);
  const [thanked, heldOut] = arms;
  expect(row(res.text, 'thanked').slice(0, 2)).toEqual([
    String(thanked?.customers),
    String(thanked?.conversions),
  ]);
  expect(row(res.text, 'held-out \\(holdout\\)').slice(0, 2)).toEqual([
    String(heldOut?.customers),
    String(heldOut?.conversions),
  ]);
  expect(row(res.text, 'thanked').at(-1)).toBe('not enough customers');
});
