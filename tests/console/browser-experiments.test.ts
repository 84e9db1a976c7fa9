import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { MIN_ARM_CUSTOMERS } from '../../domain/console/experiments';
import type { LocalRuntime } from '../../local/runtime';
import { CHROMIUM, watchedPage } from '../support/browser';
import { buyAgain, experimentWorkflows, firstPurchases, SPLIT, storedArms } from '../support/experiment';
import { startTestRuntime, TEST_NOW } from '../support/local';

/**
 * The Experiments page in a real browser (Debian's chromium), reached through the nav, against a runtime
 * whose first-small-purchase starts with a split and a holdout: the arms' counts must be those of the
 * stored decisions and entries. The screenshot goes to a scratch folder, or with
 * CONSOLE_SCREENSHOTS=docs/screenshots to the README's experiment.png. Only then are enough customers
 * seeded for a verdict (80 or so per arm): the test itself seeds a few, to stay cheap. Runs on a fixed
 * clock, not on virtual time: the browser's driver needs the real timers of this process.
 */

const KEEP = process.env.CONSOLE_SCREENSHOTS;
const SHOTS = KEEP ?? mkdtempSync(join(tmpdir(), 'rapport-console-'));
const CUSTOMERS = Array.from({ length: KEEP === undefined ? 8 : 160 }, (_, i) => `x-${i}`);
let runtime: LocalRuntime;
let workflows: { dir: string; cleanup(): void };
let browser: Browser;

beforeAll(async () => {
  workflows = experimentWorkflows();
  runtime = await startTestRuntime(undefined, { workflowsDir: workflows.dir, sweepEveryMs: 0 });
  await firstPurchases(runtime, CUSTOMERS);
  await runtime.activity.drained();
  // Thanked customers buy again more often than held-out ones (1 in 4 against 1 in 10): a lift to show.
  const [thanked, heldOut] = (await storedArms(runtime, CUSTOMERS)).arms;
  await buyAgain(
    runtime,
    [
      ...thanked!.customers.filter((_, i) => i % 4 === 0),
      ...heldOut!.customers.filter((_, i) => i % 10 === 0),
    ],
    TEST_NOW,
  );
  await runtime.activity.drained();
  browser = await chromium.launch({ executablePath: CHROMIUM });
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  workflows?.cleanup();
  if (KEEP === undefined) rmSync(SHOTS, { recursive: true, force: true });
});

it('goes to the Experiments page, whose arms have the customers and conversions the store holds', async () => {
  const { page, errors } = await watchedPage(browser, { width: 1000, height: 420 });
  await page.goto(`${runtime.urls.api}/`);
  await page.click('nav >> text=Experiments');
  expect(await page.getAttribute('nav a.here', 'href')).toBe('/experiments');

  const table = page.locator('table', { hasText: `${SPLIT.journeyId} / ${SPLIT.stepId}` });
  const cells = (arm: string) =>
    table
      .locator('tr', { has: page.locator(`th:text-is("${arm}")`) })
      .locator('td')
      .allTextContents();
  const { arms } = await storedArms(runtime, CUSTOMERS);
  const [thanked, heldOut] = arms;
  expect(arms.every((a) => a.customers.length > 0 && a.converted.length > 0)).toBe(true);
  const shown = { thanked: await cells('thanked'), heldOut: await cells('held-out (holdout)') };
  expect(shown.thanked.slice(0, 2)).toEqual(
    [thanked!.customers, thanked!.converted].map((c) => `${c.length}`),
  );
  expect(shown.heldOut.slice(0, 2)).toEqual(
    [heldOut!.customers, heldOut!.converted].map((c) => `${c.length}`),
  );
  expect(shown.heldOut.at(-1)).toBe('control');
  const enough = arms.every((a) => a.customers.length >= MIN_ARM_CUSTOMERS);
  expect(shown.thanked.at(-1) === 'not enough customers').toBe(!enough);

  await page.screenshot({ path: join(SHOTS, 'experiment.png'), fullPage: true });
  expect(statSync(join(SHOTS, 'experiment.png')).size).toBeGreaterThan(10_000);
  expect(errors).toEqual([]);
  await page.close();
});
