import { localStateMachineArn } from '../../local/stepfunctions';
import { stateMachineName } from '../../domain/journey/state-machine-name';
import type { LocalRuntime } from '../../local/runtime';
import type { VirtualTime } from '../../local/virtual-time';
import { httpRequest } from '../support/http';
import { firstSmallPurchase, itemsOf, postEvent, startVirtualRuntime } from '../support/local';

/**
 * The console on the events API's port, against a runtime seeded through the events API in virtual time:
 * its figures are checked against the store and the executions, not against numbers written here.
 */

let time: VirtualTime;
let runtime: LocalRuntime;
let stop: (() => Promise<void>) | undefined;
const CUSTOMERS = ['c-1', 'c-2', 'c-3'];

beforeAll(async () => {
  ({ time, runtime, stop } = await startVirtualRuntime());
  for (const [i, customerId] of CUSTOMERS.entries()) {
    const event = firstSmallPurchase({ customerId, eventId: `e-${i}`, email: `${customerId}@example.com` });
    expect((await postEvent(runtime, event)).status).toBe(202);
  }
  // A day on: each thank-you is sent, and each customer waits in let-it-arrive (3 days).
  await time.run(runtime.activity, { until: '2026-11-23T10:00:00Z' });
}, 30_000);

afterAll(() => stop?.());

const get = (path: string) => httpRequest(`${runtime.urls.api}${path}`);

/** The numbers the journey diagram shows on one step, by kind (entered, waiting, sent, skipped…). */
function stepCounts(html: string, stepId: string): Record<string, number> {
  const group = new RegExp(`<g class="step[^"]*" data-step="${stepId}">(.*?)</g>`).exec(html)?.[1] ?? '';
  const counts: Record<string, number> = {};
  for (const [, kind = '', n] of group.matchAll(/data-kind="([\w-]+)">(\d+)</g)) counts[kind] = Number(n);
  return counts;
}

describe('the local console', () => {
  it('serves the overview at / with the customers and messages the store holds', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/html/);
    const profiles = (await Promise.all(CUSTOMERS.map((c) => itemsOf(runtime, c, 'PROFILE')))).flat();
    expect(res.text).toContain(`<span id="customers-total">${profiles.length}</span>`);
    const sent = (await Promise.all(CUSTOMERS.map((c) => itemsOf(runtime, c, 'MESSAGE#'))))
      .flat()
      .filter((m) => m.status === 'sent');
    expect(sent.length).toBeGreaterThan(0);
    // The day's row: first-small-purchase by email, as many sent as the store holds.
    expect(res.text).toContain(
      `<th scope="row">2026-11-22</th><td class="text">first-small-purchase</td><td class="text">email</td><td>${sent.length}</td>`,
    );
    for (const c of CUSTOMERS) expect(res.text).not.toContain(`${c}@example.com`);
    expect(res.text).toMatch(/<a href="\/journeys">Journeys<\/a>/);
  });

  it('draws first-small-purchase with the counts its executions and messages give', async () => {
    const list = await get('/journeys');
    expect(list.status).toBe(200);
    expect(list.text).toContain('href="/journey?id=first-small-purchase"');
    const res = await get('/journey?id=first-small-purchase');
    expect(res.status).toBe(200);
    const executions = runtime.stepFunctions.listExecutions(
      localStateMachineArn(stateMachineName('first-small-purchase')),
    );
    const entered = (state: string) =>
      executions.filter((e) => e.statesEntered.some((s) => s.name === state)).length;
    const waitingIn = (state: string) =>
      executions.filter((e) => e.status === 'RUNNING' && e.statesEntered.at(-1)?.name === state).length;
    const messages = (await Promise.all(CUSTOMERS.map((c) => itemsOf(runtime, c, 'MESSAGE#')))).flat();
    const sentBy = (step: string) => messages.filter((m) => m.stepId === step && m.status === 'sent').length;
    expect(entered('thank-you')).toBe(CUSTOMERS.length);
    expect(waitingIn('let-it-arrive')).toBe(CUSTOMERS.length);
    expect(stepCounts(res.text, 'thank-you')).toMatchObject({
      entered: entered('thank-you'),
      waiting: waitingIn('thank-you'),
      sent: sentBy('thank-you'),
      skipped: 0,
    });
    expect(stepCounts(res.text, 'let-it-arrive')).toEqual({
      entered: entered('let-it-arrive'),
      waiting: waitingIn('let-it-arrive'),
    });
    expect(stepCounts(res.text, 'how-to-get-the-most')).toMatchObject({ entered: 0, sent: 0 });
  });

  it('logs nothing while it serves its pages (they show personal data; the log must not)', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation(() => undefined),
    );
    try {
      for (const path of [
        '/',
        '/journeys',
        '/journey?id=first-small-purchase',
        '/journey?id=nope',
        '/customers?id=c-1',
        '/customers?id=c-1%40example.com',
      ])
        await get(path);
      expect(spies.flatMap((s) => s.mock.calls)).toEqual([]);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('answers 404 for a journey that is not deployed', async () => {
    expect((await get('/journey?id=nope')).status).toBe(404);
  });
  it("shows a customer's timeline, oldest first, and why their thank-you went", async () => {
    const [message] = (await itemsOf(runtime, 'c-1', 'MESSAGE#')).filter((m) => m.stepId === 'thank-you');
    expect(message).toMatchObject({ status: 'sent', channel: 'email' });
    const key = String(message!.messageKey);
    const res = await get('/customers?id=c-1');
    expect(res.status).toBe(200);
    const entries = [...res.text.matchAll(/<li class="entry entry-([\w-]+)"[^>]*>(.*?)<\/li>/g)].map(
      ([, type = '', text = '']) => ({ type, text: text.replace(/<[^>]+>/g, '') }),
    );
    const order = (pattern: RegExp) => entries.findIndex((e) => pattern.test(`${e.type} ${e.text}`));
    const steps = [
      /^event .*purchase e-0/,
      /^stage .*first-purchase/,
      /^journey-entry .*first-small-purchase/,
      /^step .*thank-you/,
      /^message .*first-purchase-thanks sent/,
      /^step .*let-it-arrive/,
    ].map(order);
    expect(steps.every((i) => i >= 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    // The message links to its "why", opened by default as the latest message; the inbox is linked.
    expect(res.text).toContain(`data-message="${key}"`);
    expect(res.text).toContain('<h2 id="why">Why this message</h2>');
    expect(res.text).toContain(`<section class="why" data-message="${key}">`);
    expect(res.text).toMatch(/policy passed: .*consent/);
    expect(res.text).toContain(`href="${runtime.urls.ses}/"`);
  });

  it('says when no customer has the id, and keeps an id given as markup inert', async () => {
    const res = await get(`/customers?id=${encodeURIComponent('<script>x</script>')}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('No customer &#60;script&#62;x&#60;/script&#62; in the store.');
    expect(res.text).not.toContain('<script>x');
    expect((await get('/customers?id=c-1&message=nope')).text).toContain('No message nope for c-1.');
  });

  it('finds a customer by their exact email (case and spaces aside), and links by id, never by address', async () => {
    const res = await get(`/customers?id=${encodeURIComponent(' C-2@Example.COM ')}`);
    expect(res.status).toBe(200);
    // One customer uses it: their timeline, at once.
    expect(res.text).toMatch(/<li class="entry entry-message"[^>]*>.*first-purchase-thanks sent/);
    const hrefs = [...res.text.matchAll(/href="([^"]*)"/g)].map(([, href = '']) => href);
    expect(hrefs.filter((h) => h.startsWith('/customers?')).every((h) => h.includes('id=c-2&'))).toBe(true);
    expect(hrefs.some((h) => h.includes('id=c-2&'))).toBe(true);
    expect(hrefs.filter((h) => /@|%40/i.test(h))).toEqual([]);
    const unknown = await get(`/customers?id=${encodeURIComponent('nobody@example.com')}`);
    expect(unknown.text).toContain('No customer uses this email address');
    expect(unknown.text).not.toContain('entry-message');
    expect((await get(`/customers?id=${encodeURIComponent('+8613800138000')}`)).text).toContain(
      'No customer uses this phone number',
    );
  });
});
