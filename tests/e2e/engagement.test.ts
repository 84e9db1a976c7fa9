import type { LocalRuntime } from '../../local/runtime';
import type { VirtualTime } from '../../local/virtual-time';
import { httpRequest } from '../support/http';
import { inbox, signUp as signUpAt } from '../support/local';
import { startScratchRuntime, type ScratchRuntime } from '../support/scratch';

/**
 * Issue 16's acceptance: a click on an email moves a customer down the "clicked" path. On the local
 * runtime, on virtual time: the offer's delivery is reported as SES would, the clicker clicks through the
 * console's button (which reports an SES Click through SNS to delivery-events), the other times out.
 */
const JOURNEY = `id: autumn-offer
version: 1
description: Send the autumn offer; thank those who click it, remind those who do not within 3 days.
entry: { event: profile }
steps:
  - { id: offer, type: send, channel: email, template: autumn-offer, topic: offers }
  - { id: clicked, type: wait-for-event, event: email-clicked, timeout: 3d, onEvent: thanks, onTimeout: reminder }
  - { id: thanks, type: send, channel: email, template: first-purchase-thanks, category: transactional, next: done }
  - { id: reminder, type: send, channel: email, template: check-in, topic: offers, next: done }
  - { id: done, type: exit }
`;
const OFFER_URL = 'https://shop.example/autumn';
const template = (subject: string) => `subject: '${subject}'
text: |
  Our autumn collection: ${OFFER_URL}
html: |
  <p>Our <a href="${OFFER_URL}">autumn collection</a> is here.</p>
`;

describe('engagement: wait-for-event email-clicked', () => {
  let time: VirtualTime;
  let runtime: LocalRuntime;
  let scratch: ScratchRuntime;
  beforeAll(async () => {
    scratch = await startScratchRuntime(
      { 'autumn-offer': JOURNEY },
      {
        // 10:00 in Asia/Shanghai (the default time zone): outside quiet hours.
        virtualStart: '2026-09-01T02:00:00Z',
        alone: true,
        files: {
          'templates/autumn-offer/en.yaml': template('Autumn is here'),
          'templates/autumn-offer/zh-CN.yaml': template('秋季新品'),
        },
      },
    );
    ({ runtime } = scratch);
    time = scratch.time!;
  });
  afterAll(() => scratch.stop());

  const signUp = (id: string) => signUpAt(runtime, id, time.clock.now());
  const subjects = async (id: string) => (await inbox(runtime, `${id}@example.com`)).map((e) => e.subject);

  it('a click moves the customer down the clicked path; a customer who does not click times out', async () => {
    for (const id of ['clicker', 'ignorer']) expect((await signUp(id)).status).toBe(202);
    await time.run(runtime.activity, { until: '2026-09-01T03:00:00Z' });
    const [offer] = await inbox(runtime, 'clicker@example.com');
    expect(offer?.subject).toBe('Autumn is here');
    // The offer's action links (unsubscribe, preferences) are never click-tracked.
    expect(offer?.body.html).toMatch(/<a ses:no-track[^>]*href="[^"]*\/unsubscribe\?/);

    // The console's message view offers the customer's actions on the tracked email: Open, Click <link>.
    const page = await httpRequest(`${runtime.urls.api}/customers?id=clicker`);
    expect(page.text).toContain(`Click ${OFFER_URL}`);
    expect(page.text).not.toMatch(/Click [^<]*\/unsubscribe/);
    const click = await httpRequest(`${runtime.urls.api}/_local/engage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', referer: '/customers?id=clicker' },
      body: new URLSearchParams({ messageId: offer!.messageId, action: 'click', link: OFFER_URL }).toString(),
    });
    expect(click.status).toBe(303);
    await time.run(runtime.activity);

    expect(await subjects('clicker')).toEqual(['Autumn is here', 'Thank you for your first order']);
    const [, reminder] = await inbox(runtime, 'ignorer@example.com');
    expect(reminder?.subject).not.toBe('Thank you for your first order');
    expect(new Date(reminder!.at * 1000).toISOString()).toBe('2026-09-04T02:00:00.000Z');

    // On the clicker's timeline: the delivery and the click, attributed to the offer.
    const timeline = await httpRequest(`${runtime.urls.api}/customers?id=clicker`);
    expect(timeline.text).toMatch(/email-delivered ses:delivery:\S+ on the message of autumn-offer\/offer/);
    expect(timeline.text).toContain(`on the message of autumn-offer/offer (link ${OFFER_URL})`);
  });
});
