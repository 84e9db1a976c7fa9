import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { stateMachineName } from '../../domain/journey/state-machine-name';
import type { LocalRuntime } from '../../local/runtime';
import { localStateMachineArn } from '../../local/stepfunctions';
import { CHROMIUM, watchedPage } from '../support/browser';
import { firstSmallPurchase, inbox, itemsOf, postEvent, startTestRuntime } from '../support/local';

/**
 * The console in a real browser (Debian's chromium): from the overview, through the nav and the journey
 * list, to first-small-purchase's diagram, whose numbers must be those of the store and the executions.
 * Screenshots go to a scratch folder, or with CONSOLE_SCREENSHOTS=docs/screenshots to the README's pictures
 * (overview.png, journey.png, customer.png): a test run leaves the working tree as it was. Runs on a fixed clock, not on
 * virtual time: the browser's driver needs the real timers of this process.
 */

const KEEP = process.env.CONSOLE_SCREENSHOTS;
const SHOTS = KEEP ?? mkdtempSync(join(tmpdir(), 'rapport-console-'));
const CUSTOMERS = ['c-1', 'c-2', 'c-3'];
let runtime: LocalRuntime;
let browser: Browser;

beforeAll(async () => {
  runtime = await startTestRuntime();
  for (const [i, customerId] of CUSTOMERS.entries())
    await postEvent(
      runtime,
      firstSmallPurchase({ customerId, eventId: `e-${i}`, email: `${customerId}@example.com` }),
    );
  // A purchase that is not small: a customer in first-purchase whom the journey leaves alone.
  await postEvent(runtime, { ...firstSmallPurchase({ customerId: 'c-4', eventId: 'e-4' }), amount: 900 });
  await runtime.activity.drained();
  browser = await chromium.launch({ executablePath: CHROMIUM });
  mkdirSync(SHOTS, { recursive: true });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  if (KEEP === undefined) rmSync(SHOTS, { recursive: true, force: true });
});

it('goes from the overview to a journey whose step counts match the store', async () => {
  const { page, errors } = await watchedPage(browser, { width: 1200, height: 900 });
  await page.goto(`${runtime.urls.api}/`);
  expect(await page.textContent('#customers-total')).toBe('4');
  await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });

  await page.click('nav >> text=Journeys');
  await page.click('a:text-is("first-small-purchase")');
  const count = (step: string, kind: string) =>
    page.textContent(`g[data-step="${step}"] [data-kind="${kind}"]`).then(Number);
  const messages = (await Promise.all(CUSTOMERS.map((c) => itemsOf(runtime, c, 'MESSAGE#')))).flat();
  const sent = messages.filter((m) => m.stepId === 'thank-you' && m.status === 'sent').length;
  const waiting = runtime.stepFunctions
    .listExecutions(localStateMachineArn(stateMachineName('first-small-purchase')), 'RUNNING')
    .filter((e) => e.statesEntered.at(-1)?.name === 'let-it-arrive').length;
  expect([sent, waiting]).toEqual([CUSTOMERS.length, CUSTOMERS.length]);
  expect(await count('thank-you', 'sent')).toBe(sent);
  expect(await count('let-it-arrive', 'waiting')).toBe(waiting);
  const box = await page.locator('g[data-step="let-it-arrive"] rect').boundingBox();
  expect(box?.width).toBeGreaterThan(100);
  await page.screenshot({ path: join(SHOTS, 'journey.png'), fullPage: true });
  expect(statSync(join(SHOTS, 'journey.png')).size).toBeGreaterThan(10_000);

  // A customer's timeline, and from its email the why of that message.
  await page.click('nav >> text=Customers');
  await page.fill('input[name=id]', 'c-1');
  await page.click('button[type=submit]');
  const [thanks] = (await itemsOf(runtime, 'c-1', 'MESSAGE#')).filter((m) => m.stepId === 'thank-you');
  const entry = page.locator(`li.entry-message[data-message="${String(thanks!.messageKey)}"]`);
  expect(await entry.getAttribute('data-status')).toBe(thanks!.status);
  await entry.locator('a').click();
  expect(await page.getAttribute('section.why', 'data-message')).toBe(String(thanks!.messageKey));
  expect(await page.textContent('section.why')).toMatch(/first-small-purchase v\d+.*purchase e-0/s);
  // The email as the customer got it (the emulator's copy), and the inbox it links to.
  const [email] = await inbox(runtime, 'c-1@example.com');
  const greeting = email!.body.text!.split('\n')[0]!;
  expect(await page.frameLocator('section.delivered iframe').locator('body').textContent()).toContain(
    greeting,
  );
  await page.screenshot({ path: join(SHOTS, 'customer.png'), fullPage: true });
  expect(errors).toEqual([]);
  // Activated in the page, not clicked at its coordinates: until the iframe has loaded, the browser may
  // scroll to #why again between the driver's aim and its click.
  await page.locator('a.inbox-link').dispatchEvent('click');
  await page.locator(`[id="${email!.messageId}-text"]`).waitFor({ state: 'attached' });
  expect(page.url()).toBe(runtime.urls.inbox);
  await page.close();
});
