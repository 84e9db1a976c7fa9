import type { LocalRuntime } from '../../local/runtime';
import type { VirtualTime } from '../../local/virtual-time';
import { httpRequest } from '../support/http';
import {
  clearInbox,
  firstSmallPurchase,
  inbox,
  itemsOf,
  postEvent,
  startVirtualRuntime,
} from '../support/local';

/**
 * A message's content on the console's "why" view, as the customer got it: compared with what the SES
 * emulator's store and the SMS outbox hold, never with strings written here. And each customer's tasks.
 */

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';
let time: VirtualTime;
let runtime: LocalRuntime;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ time, runtime, stop } = await startVirtualRuntime());
  const plain = firstSmallPurchase({ customerId: 'c-1', eventId: 'e-1', email: 'c-1@example.com' });
  const hostile = firstSmallPurchase({ customerId: 'x-1', eventId: 'e-2', email: 'x-1@example.com' });
  const noConsent = firstSmallPurchase({ customerId: 'c-no', eventId: 'e-3', email: 'no@example.com' });
  for (const event of [
    plain,
    { ...hostile, customer: { ...hostile.customer, firstName: HOSTILE } },
    { ...noConsent, customer: { ...noConsent.customer, consent: { topics: { service: 'unsubscribed' } } } },
    {
      eventId: 'e-4',
      type: 'complaint',
      customerId: 'c-sms',
      at: '2026-11-22T10:00:00Z',
      text: 'The parcel arrived broken.',
      customer: { phone: '+447700900123', preferredChannel: 'sms', locale: 'en' },
    },
  ])
    expect((await postEvent(runtime, event)).status).toBe(202);
  await time.run(runtime.activity, { until: '2026-11-22T12:00:00Z' });
}, 30_000);

afterAll(() => stop?.());

const get = (path: string) => httpRequest(`${runtime.urls.api}${path}`).then((r) => r.text);
/** What the browser shows for an escaped value: the console escapes every character as &#N;. */
const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
const between = (html: string, re: RegExp) => unescape(re.exec(html)?.[1] ?? '');

async function whyPage(customerId: string, stepId: string) {
  const [message] = (await itemsOf(runtime, customerId, 'MESSAGE#')).filter((m) => m.stepId === stepId);
  const path = `/customers?${new URLSearchParams({ id: customerId, message: String(message?.messageKey) })}`;
  const html = await get(path);
  const delivered = /<section class="delivered[^"]*">.*?<\/section>/s.exec(html)?.[0] ?? '';
  return { message: message ?? {}, html, delivered };
}

describe("a message's content on its why view", () => {
  it('shows a sent email as the SES emulator holds it: subject, from, to, text and HTML parts, and links the inbox', async () => {
    const { message, delivered } = await whyPage('c-1', 'thank-you');
    expect(message).toMatchObject({ status: 'sent', channel: 'email' });
    const emails = (await inbox(runtime)).filter((e) => e.messageId === message.providerMessageId);
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(between(delivered, /<th scope="row">Subject<\/th><td class="text">(.*?)<\/td>/)).toBe(
      email!.subject,
    );
    expect(between(delivered, /<th scope="row">From<\/th><td class="text">(.*?)<\/td>/)).toBe(email!.from);
    expect(between(delivered, /<th scope="row">To<\/th><td class="text">(.*?)<\/td>/)).toBe(
      email!.destination.to.join(', '),
    );
    expect(between(delivered, /<pre class="email-text">(.*?)<\/pre>/s)).toBe(email!.body.text);
    // The HTML part as SES holds it, after the base that makes its links inert in the sandbox.
    expect(between(delivered, /<iframe [^>]*srcdoc="([^"]*)"/)).toBe(
      `<base target="_blank">${email!.body.html}`,
    );
    expect(delivered).toMatch(/<iframe [^>]*\bsandbox[ >]/);
    expect(delivered).toContain(`<a class="inbox-link" href="${runtime.urls.inbox}">`);
  });

  it('shows a sent SMS as the outbox holds it, with its parts, and links the outbox', async () => {
    const { message, delivered } = await whyPage('c-sms', 'apologise');
    expect(message).toMatchObject({ status: 'sent', channel: 'sms' });
    const sms = runtime.outbox.messages.filter((m) => m.messageId === message.providerMessageId);
    expect(sms).toHaveLength(1);
    expect(between(delivered, /<pre class="sms-body">(.*?)<\/pre>/s)).toBe(sms[0]!.body);
    expect(delivered).toContain(`${String(message.parts)} part`);
    expect(delivered).toContain('<a class="outbox-link" href="/_local/outbox">');
  });

  it('keeps markup in a name inert: the subject and text are text, the HTML part only inside a sandboxed srcdoc', async () => {
    const { html, delivered } = await whyPage('x-1', 'thank-you');
    const [email] = await inbox(runtime, 'x-1@example.com');
    expect(email!.subject).toContain(HOSTILE);
    expect(between(delivered, /<th scope="row">Subject<\/th><td class="text">(.*?)<\/td>/)).toBe(
      email!.subject,
    );
    expect(html).not.toMatch(/<script|<img/i);
  });

  it('says plainly why a skipped message has no content', async () => {
    const { message, delivered } = await whyPage('c-no', 'thank-you');
    expect(message).toMatchObject({ status: 'skipped', reason: 'no-consent' });
    expect(delivered).toMatch(/<p class="none">Not sent \(no consent.*no content to show/);
  });

  it("lists the customer's tasks for people, linked to the tasks page, which lists them all", async () => {
    const tasks = runtime.tasks.filter((t) => t.detail.customerId === 'c-sms');
    expect(tasks).toHaveLength(1);
    const page = await get('/customers?id=c-sms');
    const rows = [...page.matchAll(/<tr class="task" data-task="([0-9a-f]+)">/g)].map(([, id]) => id);
    expect(rows).toEqual(tasks.map((t) => t.detail.taskId));
    expect(unescape(page)).toContain(`<td class="text">${String(tasks[0]!.detail.title)}</td>`);
    expect(page).toContain('<a class="tasks-link" href="/tasks">');
    expect(await get('/customers?id=c-1')).toContain('No tasks for people.');
    const all = await get('/tasks');
    expect([...all.matchAll(/<tr class="task" data-task="([0-9a-f]+)">/g)].map(([, id]) => id)).toEqual(
      runtime.tasks.map((t) => t.detail.taskId).reverse(),
    );
    expect(all).toContain('<a href="/customers?id=c-sms#tasks">c-sms</a>');
    expect(all).toContain('<a href="/tasks" class="here">Tasks</a>');
  });

  it('logs nothing while it shows content, and says so when the inbox no longer holds an email', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation(() => undefined),
    );
    try {
      await whyPage('c-sms', 'apologise');
      await get('/tasks');
      await clearInbox(runtime);
      const { delivered } = await whyPage('c-1', 'thank-you');
      expect(delivered).toMatch(/the email inbox no longer holds it/);
      expect(spies.flatMap((s) => s.mock.calls)).toEqual([]);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});
