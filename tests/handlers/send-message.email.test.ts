import { SendRawEmailCommand, SESServiceException } from '@aws-sdk/client-ses';
import { RETRIED_ERRORS, ThrottledTooLongError } from '../../domain/errors';
import { checkLink, verifyLink } from '../../domain/messages/links';
import { MessageThrottledError } from '../../domain/messages/send';
import {
  handler,
  messageRecords,
  nextMessageId,
  NOW,
  onlyEmail,
  SECRET,
  seedProfile,
  send,
  SENDER,
  sendCalls,
  sesMessageIds,
  ses,
  task,
  UNSUBSCRIBE_URL,
} from './send-message-setup';

describe('send-message: the first-purchase thank-you to the issue’s customer', () => {
  it('sends exactly one raw email with one-click unsubscribe headers, a Chinese subject and the clock’s Date', async () => {
    await seedProfile();
    const result = await send(task());
    expect(result).toEqual({
      status: 'sent',
      channel: 'email',
      messageKey: expect.stringMatching(/^[0-9a-f]{32}$/),
      providerMessageId: `ses-${sesMessageIds}`,
      until: null,
    });

    const [call] = sendCalls();
    expect(call).toMatchObject({
      Source: SENDER,
      Destinations: ['li@example.com'],
      Tags: expect.arrayContaining([
        { Name: 'journey', Value: 'first-small-purchase' },
        { Name: 'step', Value: 'thank-you' },
        { Name: 'template', Value: 'first-purchase-thanks' },
      ]),
    });
    const email = await onlyEmail();

    // RFC 2369 + RFC 8058: an HTTPS link in angle brackets, and the one-click marker.
    expect(email.header('List-Unsubscribe')).toMatch(/^<https:\/\/[^>]+\/unsubscribe\?token=[^>]+>$/);
    expect(email.unsubscribeUrl).toMatch(UNSUBSCRIBE_URL);
    expect(email.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const token = new URL(email.unsubscribeUrl).searchParams.get('token')!;
    expect(verifyLink(token, SECRET)).toEqual({
      customerId: 'c-42',
      purpose: 'unsubscribe',
      channel: 'email',
      iat: Date.parse(NOW) / 1000,
    });

    // The subject is MIME-encoded on the wire and decodes to the zh-CN template's subject.
    expect(email.header('Subject')).toMatch(/^=\?UTF-8\?[BQ]\?/i);
    expect(email.raw).not.toContain('感谢');
    expect(email.parsed.subject).toBe('感谢您的第一笔订单');

    expect(email.parsed.date?.toISOString()).toBe(NOW);
    expect(email.header('From')).toBe(SENDER);
    expect(email.header('To')).toBe('li@example.com');
    expect(email.parsed.messageId).toBe(`<${result.messageKey}@rapport>`);

    expect(email.parsed.text).toContain('感谢您在 Rapport Demo Store 的第一笔订单');
    expect(email.parsed.text).toContain(`退订：${email.unsubscribeUrl}`);
    expect(email.parsed.html).toContain('<html lang="zh-CN">');
    // Never click-tracked: SES must not rewrite a signed action link (settings.yaml `tracking`).
    expect(email.parsed.html).toContain(`<a ses:no-track href="${email.unsubscribeUrl}"`);

    expect(await messageRecords()).toEqual([
      expect.objectContaining({
        sk: `MESSAGE#${result.messageKey}`,
        status: 'sent',
        providerMessageId: result.status === 'sent' ? result.providerMessageId : undefined,
        to: 'li@example.com',
        locale: 'zh-CN',
        subject: '感谢您的第一笔订单',
        journeyId: 'first-small-purchase',
        stepId: 'thank-you',
        executionId: task().executionId,
        createdAt: NOW,
        sentAt: NOW,
      }),
    ]);
  });

  it('invoked twice for the same execution and step: one email, the second answer is a duplicate', async () => {
    await seedProfile();
    const h = handler();
    const first = await send(task(), h);
    const second = await send(task(), h);
    expect(first.status).toBe('sent');
    expect(second).toEqual({
      status: 'duplicate',
      messageKey: first.messageKey,
      previous: 'sent',
      until: null,
    });
    expect(sendCalls()).toHaveLength(1);
    expect(await messageRecords()).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  it('invoked concurrently for the same execution and step: one email', async () => {
    await seedProfile();
    // A slow provider widens the window in which the second invocation could slip through.
    ses.on(SendRawEmailCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 25));
      return { MessageId: `ses-${nextMessageId()}` };
    });
    const h = handler();
    const results = await Promise.all([send(task(), h), send(task(), h), send(task(), h)]);
    expect(results.map((r) => r.status).sort()).toEqual(['duplicate', 'duplicate', 'sent']);
    expect(sendCalls()).toHaveLength(1);
    expect(await messageRecords()).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  it('another step of the same execution, or the same step of another execution, is another message', async () => {
    await seedProfile();
    const h = handler();
    // Transactional, so that the frequency cap (three marketing messages at once) does not come into it.
    const receipt = task({ category: 'transactional' });
    const a = await send(receipt, h);
    const b = await send({ ...receipt, stepId: 'how-to-get-the-most', template: 'first-purchase-tips' }, h);
    const c = await send({ ...receipt, executionId: `${task().executionId}-2` }, h);
    expect([a.status, b.status, c.status]).toEqual(['sent', 'sent', 'sent']);
    expect(new Set([a.messageKey, b.messageKey, c.messageKey]).size).toBe(3);
    expect(sendCalls()).toHaveLength(3);
  });
});

describe('send-message: surveys and the preference centre', () => {
  it('a survey step: one signed link per score (0–10), each naming the message and expiring in 30 days; and a preference-centre link', async () => {
    await seedProfile();
    const result = await send(
      task({
        journeyId: 'nps-survey',
        stepId: 'ask',
        template: 'nps-survey',
        topic: 'service',
        survey: 'nps',
      }),
    );
    const email = await onlyEmail();
    const links = [...email.parsed.text!.matchAll(/https:\S+\/feedback\?token=([\w.-]+)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(11);
    const claims = links.map((token) => checkLink(token, SECRET, new Date(NOW)));
    expect(claims.map((c) => (c.ok && c.claims.purpose === 'feedback' ? c.claims.score : -1))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(claims[0]).toMatchObject({
      ok: true,
      claims: {
        customerId: 'c-42',
        survey: 'nps',
        journeyId: 'nps-survey',
        stepId: 'ask',
        messageKey: result.messageKey,
        exp: Date.parse(NOW) / 1000 + 30 * 86_400,
      },
    });
    const preferences = /https:\S+\/preferences\?token=([\w.-]+)/.exec(email.parsed.text!)?.[1];
    expect(checkLink(preferences!, SECRET, new Date(NOW))).toMatchObject({
      ok: true,
      claims: { purpose: 'preferences', customerId: 'c-42' },
    });
  });
});

describe('send-message: provider failures', () => {
  it('SES throttling: MessageThrottledError, the claim becomes a deferral, and a retry sends once', async () => {
    await seedProfile();
    const throttled = new SESServiceException({
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Maximum sending rate exceeded.',
    });
    ses.on(SendRawEmailCommand).rejectsOnce(throttled).resolves({ MessageId: 'ses-after-throttle' });
    const h = handler();

    const error = await send(task(), h).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageThrottledError);
    // The compiled state machine's Retry matches on this name.
    expect((error as Error).name).toBe('MessageThrottledError');
    // Nothing went out: a deferral, which the send's Catch waits out (5 minutes after a first refusal).
    expect(await messageRecords()).toEqual([
      expect.objectContaining({
        status: 'deferred',
        reason: 'provider-throttled',
        deferredUntil: '2026-11-22T10:05:03.000Z',
        throttledSince: NOW,
      }),
    ]);

    expect(await send(task(), h)).toMatchObject({ status: 'sent', providerMessageId: 'ses-after-throttle' });
    expect(sendCalls()).toHaveLength(2);
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'sent', providerMessageId: 'ses-after-throttle' }),
    ]);
  });

  it('an HTTP 429 from SES is throttling too', async () => {
    await seedProfile();
    ses.on(SendRawEmailCommand).rejectsOnce(
      new SESServiceException({
        name: 'TooManyRequests',
        $fault: 'client',
        $metadata: { httpStatusCode: 429 },
        message: 'slow down',
      }),
    );
    await expect(send(task())).rejects.toBeInstanceOf(MessageThrottledError);
    expect(await messageRecords()).toEqual([expect.objectContaining({ status: 'deferred' })]);
  });

  it('throttling waits longer as it lasts, and after a day of refusals the send gives up: ThrottledTooLongError', async () => {
    await seedProfile();
    const throttled = new SESServiceException({
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Daily message quota exceeded.',
    });
    ses.on(SendRawEmailCommand).rejects(throttled);
    const at = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
    await expect(send(task(), handler(at(0)))).rejects.toBeInstanceOf(MessageThrottledError);
    await expect(send(task(), handler(at(0.5)))).rejects.toBeInstanceOf(MessageThrottledError);
    // Half an hour in: the next round waits as long again (at most an hour); the first refusal is kept.
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'deferred', deferredUntil: at(1), throttledSince: NOW }),
    ]);
    const error = await send(task(), handler(at(24))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledTooLongError);
    // Not a name any Retry or the deferral's Catch takes: the failure path records it.
    expect(RETRIED_ERRORS).not.toContain((error as Error).name);
    expect(await messageRecords()).toEqual([]);
  });

  it('an ambiguous failure (connection reset): the record is in-doubt, the error is thrown, and a retry sends nothing', async () => {
    await seedProfile();
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    ses.on(SendRawEmailCommand).rejectsOnce(reset).resolves({ MessageId: 'must-not-be-sent' });
    const h = handler();

    const error = await send(task(), h).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(MessageThrottledError);
    expect((error as Error).message).toBe('socket hang up');
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'in-doubt', to: 'li@example.com' }),
    ]);

    expect(await send(task(), h)).toMatchObject({ status: 'duplicate', previous: 'in-doubt' });
    expect(sendCalls()).toHaveLength(1);
    expect(await messageRecords()).toEqual([expect.objectContaining({ status: 'in-doubt' })]);
  });
});

describe('send-message: language and escaping', () => {
  it('an en-GB customer gets the English template and layout', async () => {
    await seedProfile({ locale: 'en-GB', firstName: 'Ann', email: 'ann@example.co.uk' });
    await send(task());
    const email = await onlyEmail();
    expect(email.parsed.subject).toBe('Thank you for your first order, Ann');
    expect(email.parsed.text).toContain('Hello Ann,');
    expect(email.parsed.text).toContain(`Unsubscribe: ${email.unsubscribeUrl}`);
    expect(email.parsed.html).toContain('<html lang="en">');
    expect(email.parsed.html).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ locale: 'en', to: 'ann@example.co.uk' }),
    ]);
  });

  it('an unknown locale (fr) gets the default locale (en)', async () => {
    await seedProfile({ locale: 'fr' });
    await send(task());
    const email = await onlyEmail();
    expect(email.parsed.subject).toBe('Thank you for your first order');
    expect(email.parsed.text).toContain('Hello there,');
    expect(await messageRecords()).toEqual([expect.objectContaining({ locale: 'en' })]);
  });

  it('a hostile first name is escaped in HTML and left intact in text', async () => {
    const firstName = '<script>alert("hi")</script>';
    await seedProfile({ locale: 'en', firstName });
    await send(task());
    const email = await onlyEmail();
    expect(email.parsed.html).not.toContain('<script');
    expect(email.parsed.html).toContain('Hello &lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;,');
    expect(email.parsed.text).toContain(`Hello ${firstName},`);
    expect(email.parsed.subject).toBe(`Thank you for your first order, ${firstName}`);
  });
});
