import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { fixedClock } from '../../domain/clock';
import type { SendMessageInput } from '../../domain/messages/send';
import { invokeLambda } from '../../local/lambda';
import { fixture } from './support';
import { realSendHandler } from './send-wiring';
import {
  CLICKED_AT,
  clock,
  handler,
  get,
  post,
  SECRET,
  seedProfile,
  SENT_AT,
  storedProfile,
  table,
  tokenFor,
  workflows,
} from './unsubscribe-setup';

describe('unsubscribe: GET shows a confirmation and changes nothing', () => {
  it('a valid token: 200, a Chinese confirmation page with a POST form, the profile untouched', async () => {
    const before = await seedProfile();
    const token = tokenFor();
    const res = await get(token);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('不再接收来自 Rapport Demo Store 的邮件？');
    expect(res.body).toMatch(/<form method="post" action="\?token=([^"]+)">/);
    expect(decodeURIComponent(/action="\?token=([^"]+)"/.exec(res.body)![1]!)).toBe(token);
    expect(res.body).toContain('<button type="submit">退订</button>');
    expect(await storedProfile()).toEqual(before);
  });

  it('an English customer gets the English page', async () => {
    await seedProfile({ locale: 'en-GB' });
    const res = await get(tokenFor());
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Stop receiving emails from Rapport Demo Store?');
    expect(res.body).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('GET never unsubscribes, however often a mail scanner follows the link', async () => {
    const before = await seedProfile();
    const h = handler();
    for (let i = 0; i < 3; i++) expect((await get(tokenFor(), h)).statusCode).toBe(200);
    expect(await storedProfile()).toEqual(before);
  });
});

describe('unsubscribe: POST (and RFC 8058 one-click) opts out', () => {
  it('the one-click POST: 200, consent unsubscribed (and its history), version + 1, nothing else changed', async () => {
    const before = await seedProfile();
    const res = await post(tokenFor());
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('您将不会再收到来自 Rapport Demo Store 的营销邮件');
    expect(res.body).not.toContain('<form');
    expect(await storedProfile()).toEqual({
      ...before,
      consent: { email: { status: 'unsubscribed', at: CLICKED_AT, source: 'unsubscribe-link' } },
      // In the same write: the timeline shows every change, not only the latest.
      consentHistory: [
        { scope: 'email', status: 'unsubscribed', at: CLICKED_AT, source: 'unsubscribe-link' },
      ],
      updatedAt: CLICKED_AT,
      version: before.version + 1,
    });
  });

  it('an opt-in on record dated ahead of the click (a source clock running fast) does not outrank the click', async () => {
    const ahead = new Date(Date.parse(CLICKED_AT) + 10 * 3_600_000).toISOString();
    await seedProfile({ consent: { email: { status: 'subscribed', at: ahead, source: 'event:e-1' } } });
    const res = await post(tokenFor());
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('您将不会再收到来自 Rapport Demo Store 的营销邮件');
    expect((await storedProfile())?.consent.email).toEqual({
      status: 'unsubscribed',
      at: CLICKED_AT,
      source: 'unsubscribe-link',
    });
  });

  it('a second POST is idempotent: same page, the same choice on record and in history (only confirmed again)', async () => {
    await seedProfile();
    const h = handler();
    await post(tokenFor(), h);
    const afterFirst = (await storedProfile())!;
    clock.advance(60_000);
    const res = await post(tokenFor(), h);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('您将不会再收到');
    // Said again a minute later: an opt-in dated between the two clicks arriving late must not win.
    const afterSecond = (await storedProfile())!;
    expect(afterSecond.consent.email).toEqual({
      ...afterFirst.consent.email,
      confirmedAt: clock.now().toISOString(),
    });
    expect(afterSecond.consentHistory).toEqual(afterFirst.consentHistory);
    await post(tokenFor(), h);
    expect(await storedProfile()).toEqual(afterSecond);
  });

  it('concurrent POSTs: one write', async () => {
    const before = await seedProfile();
    const h = handler();
    const results = await Promise.all([post(tokenFor(), h), post(tokenFor(), h), post(tokenFor(), h)]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(await storedProfile()).toMatchObject({
      version: before.version + 1,
      consent: { email: { status: 'unsubscribed' } },
    });
  });

  it('a concurrent profile change (e.g. a new purchase) is kept, not overwritten', async () => {
    const before = await seedProfile();
    // Another writer bumps the profile between the handler's read and its write: the handler must re-read.
    const store = table.storeFor('unsubscribe');
    const original = store.getProfile.bind(store);
    let reads = 0;
    store.getProfile = async (id) => {
      const p = await original(id);
      if (reads++ === 0 && p)
        await table.store.putProfile({ ...p, purchaseCount: 2, version: p.version + 1 });
      return p;
    };
    expect((await post(tokenFor(), handler({}, store))).statusCode).toBe(200);
    expect(await storedProfile()).toMatchObject({
      purchaseCount: 2,
      version: before.version + 2,
      consent: { email: { status: 'unsubscribed' } },
    });
  });

  it('a valid token for a customer Rapport does not know: 200 and nothing written', async () => {
    const res = await post(tokenFor('c-unknown'));
    expect(res.statusCode).toBe(200);
    expect(await table.scan()).toEqual([]);
  });
});

describe('unsubscribe: a bad link is refused and changes nothing', () => {
  const tamperings: [string, () => string | undefined][] = [
    ['a changed signature', () => tokenFor().replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))],
    [
      'another customer’s claims under c-42’s signature',
      () => `${tokenFor('c-43').split('.')[0]}.${tokenFor().split('.')[1]}`,
    ],
    ['a token signed with another secret', () => tokenFor('c-42', 'not-the-secret')],
    ['a token with an extra segment', () => `${tokenFor()}.x`],
    ['garbage', () => '<script>alert(1)</script>'],
    ['an empty token', () => ''],
    ['no token at all', () => undefined],
  ];

  it.each(tamperings)('%s: 400 on GET and POST, profile unchanged', async (_name, token) => {
    const before = await seedProfile();
    for (const res of [await get(token()), await post(token())]) {
      expect(res.statusCode).toBe(400);
      expect(res.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8' });
      expect(res.body).toContain('This unsubscribe link is not valid');
      expect(res.body).not.toContain('<form');
      expect(res.body).not.toContain('<script>');
    }
    expect(await storedProfile()).toEqual(before);
    expect(await table.scan()).toHaveLength(1);
  });
});

describe('unsubscribe: pages for locales without their own page text', () => {
  // The pages are written in en and zh-CN only; a shop whose settings use other locales still needs them.
  const german = () => handler({ locales: ['de', 'en'], defaultLocale: 'de' });

  it('a bad link with a default locale of de: 400 in English, not a crash', async () => {
    const res = await get('garbage', german());
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This unsubscribe link is not valid');
  });

  it('a German customer: the English confirmation, and POST unsubscribes', async () => {
    await seedProfile({ locale: 'de-AT' });
    const h = german();
    const page = await get(tokenFor(), h);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Stop receiving emails from Rapport Demo Store?');
    expect((await post(tokenFor(), h)).statusCode).toBe(200);
    expect((await storedProfile())?.consent.email.status).toBe('unsubscribed');
  });
});

// Never called here: these messages are emails.
const smsClient = new PinpointSMSVoiceV2Client({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

describe('unsubscribe: the link in a sent email', () => {
  it('unsubscribes the customer, and the journey’s next email is skipped', async () => {
    await seedProfile();
    const sesClient = new SESClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const ses = mockClient(sesClient);
    try {
      ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
      const sendHandler = realSendHandler({
        table,
        workflows,
        clients: { sesClient, smsClient },
        clock: fixedClock(SENT_AT),
        sender: 'Rapport Demo Store <hello@rapport.example>',
        publicBaseUrl: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com',
        linkSecret: SECRET,
      });
      const thanks = fixture<SendMessageInput>('sfn-send-message-task.json');
      expect(await invokeLambda('rapport-send-message', sendHandler, thanks)).toMatchObject({
        status: 'sent',
      });

      const [call] = ses.commandCalls(SendRawEmailCommand);
      const mail = await simpleParser(Buffer.from(call!.args[0].input.RawMessage!.Data!));
      const header = mail.headerLines
        .find((h) => h.key === 'list-unsubscribe')!
        .line.replace(/\r\n(?=[ \t])/g, '');
      const url = new URL(/<([^>]+)>/.exec(header)![1]!);
      expect(url.pathname).toBe('/unsubscribe');

      const res = await post(url.searchParams.get('token')!);
      expect(res.statusCode).toBe(200);
      expect((await storedProfile())?.consent.email.status).toBe('unsubscribed');

      const tips = { ...thanks, stepId: 'how-to-get-the-most', template: 'first-purchase-tips' };
      expect(await invokeLambda('rapport-send-message', sendHandler, tips)).toMatchObject({
        status: 'skipped',
        reason: 'no-consent',
      });
      expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(1);
    } finally {
      ses.restore();
    }
  });
});
