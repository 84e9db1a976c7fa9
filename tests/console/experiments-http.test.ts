import { join } from 'node:path';
import type { LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import { rewriteJourney, scratchWorkflows } from '../infra/support';
import { httpRequest } from '../support/http';
import { firstSmallPurchase, itemsOf, postEvent, startTestRuntime, TEST_NOW } from '../support/local';

/**
 * The experiments page against a runtime whose first-small-purchase journey starts with a split (one arm
 * held out) and has its purchase goal: its figures are checked against the stored decisions and entries.
 */

let time: VirtualTime;
let runtime: LocalRuntime;
let workflows: { dir: string; cleanup(): void };
const CUSTOMERS = Array.from({ length: 8 }, (_, i) => `x-${i}`);

beforeAll(async () => {
  workflows = scratchWorkflows((dir) =>
    rewriteJourney(join(dir, 'journeys', 'first-small-purchase.yaml'), (doc) => ({
      ...doc,
      steps: [
        {
          id: 'try-thanks',
          type: 'split',
          paths: [
            { name: 'thanked', percent: 50, next: 'thank-you' },
            { name: 'held-out', percent: 50, next: 'hold-out', holdout: true },
          ],
        },
        ...(doc.steps as unknown[]),
        { id: 'hold-out', type: 'exit' },
      ],
    })),
  );
  time = installVirtualTime(TEST_NOW);
  runtime = await startTestRuntime(time.clock, { workflowsDir: workflows.dir });
  for (const [i, customerId] of CUSTOMERS.entries()) {
    const event = firstSmallPurchase({ customerId, eventId: `e-${i}`, email: `${customerId}@example.com` });
    expect((await postEvent(runtime, event)).status).toBe(202);
  }
  await time.run(runtime.activity, { until: '2026-11-23T10:00:00Z' });
  // Every other customer buys again a day on: within the goal's 30 days, a conversion.
  for (const [i, customerId] of CUSTOMERS.entries())
    if (i % 2 === 0) {
      const again = {
        ...firstSmallPurchase({ customerId, eventId: `again-${i}` }),
        at: '2026-11-23T09:00:00Z',
      };
      expect((await postEvent(runtime, again)).status).toBe(202);
    }
  await time.run(runtime.activity, { until: '2026-11-23T11:00:00Z' });
}, 30_000);

afterAll(async () => {
  await runtime?.stop();
  time?.uninstall();
  workflows?.cleanup();
});

/** The cells of the arm's row on the page: customers, conversions, rate, lift, verdict. */
function row(html: string, arm: string): string[] {
  const tr = new RegExp(`<tr><th scope="row">${arm}</th>(.*?)</tr>`).exec(html)?.[1] ?? '';
  return [...tr.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map(([, cell = '']) => cell);
}

it('shows per arm the customers the stored decisions put there and the conversions their entries hold', async () => {
  const res = await httpRequest(`${runtime.urls.api}/experiments`);
  expect(res.status).toBe(200);
  expect(res.text).toMatch(/<a href="\/experiments" class="here">Experiments<\/a>/);
  const decisions = (await Promise.all(CUSTOMERS.map((c) => itemsOf(runtime, c, 'DECISION#')))).flat();
  const entries = (await Promise.all(CUSTOMERS.map((c) => itemsOf(runtime, c, 'JOURNEY#')))).flat();
  expect(decisions).toHaveLength(CUSTOMERS.length);
  const converted = new Set(entries.filter((e) => e.converted).map((e) => e.executionArn));
  expect(converted.size).toBe(CUSTOMERS.length / 2);
  const arms = ['thanked', 'held-out'].map((arm) => {
    const took = decisions.filter((d) => d.stepId === 'try-thanks' && d.path === arm);
    return {
      arm,
      customers: took.length,
      conversions: took.filter((d) => converted.has(d.executionId)).length,
    };
  });
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
