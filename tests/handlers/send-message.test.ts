import { SendRawEmailCommand, SESServiceException, type SendRawEmailCommandInput } from '@aws-sdk/client-ses';
import { simpleParser, type ParsedMail } from 'mailparser';
import {
  ConflictException,
  SendTextMessageCommand,
  ThrottlingException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import {
  InvalidTaskInputError,
  ProfileNotFoundError,
  RETRIED_ERRORS,
  SendDeferredError,
  ThrottledTooLongError,
} from '../../domain/errors';
import { checkLink, verifyLink } from '../../domain/messages/links';
import { suppressionKey } from '../../domain/messages/policy';
import {
  MessageThrottledError,
  type SendMessageInput,
  type SendMessageResult,
} from '../../domain/messages/send';
import type { Profile } from '../../domain/profile/profile';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { WORKFLOWS_DIR } from '../support/local';
import { type Item, type Table, fixture, sendingOnDynalite, seedProfile as seedProfileIn } from './support';
import { realSendHandler } from './send-wiring';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const NOW = '2026-11-22T10:00:03.000Z';
const SECRET = 'handler-test-link-secret';
const PUBLIC_BASE_URL = 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/';
const SENDER = 'Rapport Demo Store <hello@rapport.example>';
const TASK_FIXTURE = 'sfn-send-message-task.json';
const UNSUBSCRIBE_URL =
  /^https:\/\/abc123defg\.execute-api\.eu-west-1\.amazonaws\.com\/unsubscribe\?token=[\w-]+\.[\w-]+$/;

let table: Table;
const { sesClient, ses, smsClient, sms, dynamo } = sendingOnDynalite();
let sesMessageIds = 0;
beforeEach(async () => {
  table = await dynamo().freshTable();
  ses.reset();
  ses.on(SendRawEmailCommand).callsFake(async () => ({ MessageId: `ses-${++sesMessageIds}` }));
  sms.reset();
  sms.on(SendTextMessageCommand).callsFake(async () => ({ MessageId: `sms-${++sesMessageIds}` }));
});

function handler(now = NOW) {
  return realSendHandler({
    table,
    workflows,
    clients: { sesClient, smsClient },
    clock: fixedClock(now),
    sender: SENDER,
    publicBaseUrl: PUBLIC_BASE_URL,
    linkSecret: SECRET,
  });
}

const task = (patch: Partial<SendMessageInput> = {}): SendMessageInput => ({
  ...fixture<SendMessageInput>(TASK_FIXTURE),
  ...patch,
});

function send(input: unknown = task(), h = handler()): Promise<SendMessageResult> {
  return invokeLambda('rapport-send-message', h, input);
}

/** The customer of the issue after their first small purchase, as ingest-event leaves them. */
const seedProfile = (patch: Partial<Profile> = {}) => seedProfileIn(table.store, workflows.lifecycle, patch);

function sendCalls(): SendRawEmailCommandInput[] {
  return ses.commandCalls(SendRawEmailCommand).map((c) => c.args[0].input);
}

async function messageRecords(): Promise<Item[]> {
  return (await table.scan()).filter((i) => i.sk.startsWith('MESSAGE#'));
}

interface Email {
  raw: string;
  parsed: ParsedMail;
  /** A header's value as written, unfolded (RFC 5322 §2.2.3), not decoded. */
  header(name: string): string | undefined;
  unsubscribeUrl: string;
}

async function onlyEmail(): Promise<Email> {
  const calls = sendCalls();
  expect(calls).toHaveLength(1);
  const data = calls[0]!.RawMessage!.Data!;
  const raw = Buffer.from(data).toString('utf8');
  const parsed = await simpleParser(Buffer.from(data));
  const header = (name: string) => {
    const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
    return line?.replace(/\r\n(?=[ \t])/g, '').replace(/^[^:]+:\s*/, '');
  };
  const listUnsubscribe = header('List-Unsubscribe') ?? '';
  return { raw, parsed, header, unsubscribeUrl: listUnsubscribe.replace(/^<(.*)>$/, '$1') };
}

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
      return { MessageId: `ses-${++sesMessageIds}` };
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

describe('send-message: when not to send', () => {
  it('an unsubscribed customer gets nothing; the record says skipped/no-consent, and stays so on a retry', async () => {
    await seedProfile({
      consent: {
        email: { status: 'unsubscribed', at: '2026-11-22T10:00:01.000Z', source: 'unsubscribe-link' },
      },
    });
    const h = handler();
    const result = await send(task(), h);
    expect(result).toEqual({
      status: 'skipped',
      messageKey: expect.any(String),
      reason: 'no-consent',
      until: null,
    });
    expect(await send(task(), h)).toEqual({
      status: 'duplicate',
      messageKey: result.messageKey,
      previous: 'skipped',
      until: null,
    });
    expect(sendCalls()).toHaveLength(0);
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'skipped', reason: 'no-consent' }),
    ]);
  });

  it('an unsubscribed customer still gets a transactional message (a receipt, a service notice)', async () => {
    await seedProfile({
      consent: {
        email: { status: 'unsubscribed', at: '2026-11-22T10:00:01.000Z', source: 'unsubscribe-link' },
      },
    });
    const result = await send(task({ category: 'transactional' }));
    expect(result).toMatchObject({ status: 'sent' });
    expect(sendCalls()).toHaveLength(1);
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'sent', category: 'transactional' }),
    ]);
  });

  it('a customer without an email address: skipped/no-address', async () => {
    await seedProfile({ email: undefined });
    const result = await send(task());
    expect(result).toMatchObject({ status: 'skipped', reason: 'no-address' });
    expect(sendCalls()).toHaveLength(0);
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'skipped', reason: 'no-address' }),
    ]);
  });

  it('a customer with no profile: ProfileNotFoundError, nothing written, nothing sent', async () => {
    await expect(send(task())).rejects.toBeInstanceOf(ProfileNotFoundError);
    expect(await table.scan()).toEqual([]);
    expect(sendCalls()).toHaveLength(0);
  });

  it('a task input with a missing or unknown field: InvalidTaskInputError naming it', async () => {
    await seedProfile();
    const { executionId: _omit, ...missing } = task();
    const error = await send({ ...missing, extra: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskInputError);
    expect((error as InvalidTaskInputError).problems.map((p) => p.field).sort()).toEqual([
      'executionId',
      'extra',
    ]);
    expect(await messageRecords()).toEqual([]);
    expect(sendCalls()).toHaveLength(0);
  });
});

describe('send-message: SMS and the preferred channel', () => {
  const smsCalls = () => sms.commandCalls(SendTextMessageCommand).map((c) => c.args[0].input);
  // Opted in to marketing SMS: the policy (settings.yaml `consent`) needs it; without, see the last test.
  const textable = {
    phone: '+8613800138000',
    preferredChannel: 'sms' as const,
    consent: {
      email: { status: 'subscribed' as const, at: NOW, source: 'default' },
      sms: { status: 'subscribed' as const, at: NOW, source: 'event:opt-in' },
    },
  };
  const offer = (patch: Partial<SendMessageInput> = {}) =>
    task({
      journeyId: 'dormancy-reactivation',
      stepId: 'personal-offer',
      template: 'personal-offer',
      channel: 'preferred',
      topic: 'offers',
      ...patch,
    });

  it('a customer who prefers SMS gets the offer as a promotional text in their language, with the opt-out line', async () => {
    await seedProfile(textable);
    const result = await send(offer());
    expect(result).toMatchObject({ status: 'sent', channel: 'sms', providerMessageId: expect.any(String) });
    expect(sendCalls()).toHaveLength(0);
    const [call] = smsCalls();
    expect(call).toMatchObject({
      DestinationPhoneNumber: '+8613800138000',
      MessageType: 'PROMOTIONAL',
      Context: { journey: 'dormancy-reactivation', step: 'personal-offer', messageKey: result.messageKey },
    });
    expect(call?.MessageBody).toMatch(/^【Rapport Demo Store】.*回复TD退订$/);
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'sent', channel: 'sms', to: '+8613800138000', parts: 1 }),
    ]);
  });

  it('a number on End User Messaging’s opt-out list (STOP we never heard of): skipped/suppressed, remembered, never tried again', async () => {
    await seedProfile(textable);
    sms.on(SendTextMessageCommand).rejectsOnce(
      new ConflictException({
        $metadata: { httpStatusCode: 400 },
        message: 'The destination phone number is opted out.',
        Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
      }),
    );
    const first = await send(offer());
    expect(first).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect(await table.store.getSuppression(suppressionKey('sms', '+8613800138000'))).toMatchObject({
      channel: 'sms',
      reason: 'opt-out',
      source: 'sms:provider-opt-out-list',
    });
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'skipped', reason: 'suppressed', channel: 'sms' }),
    ]);

    // The next offer from another journey: the number is suppressed now, so it goes by email, not SMS.
    expect(await send(offer({ journeyId: 'win-back', stepId: 'offer-2' }))).toMatchObject({
      status: 'sent',
      channel: 'email',
    });
    expect(smsCalls()).toHaveLength(1);
  });

  it('the same for a profile that trusts ingest’s check of the number: marked suppressed, never texted again', async () => {
    const checked = { sms: suppressionKey('sms', '+8613800138000') };
    await seedProfile({ ...textable, suppressionChecked: checked });
    sms.on(SendTextMessageCommand).rejectsOnce(
      new ConflictException({
        $metadata: { httpStatusCode: 400 },
        message: 'The destination phone number is opted out.',
        Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
      }),
    );
    expect(await send(offer())).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect((await table.store.getProfile('c-42'))?.suppressed?.sms).toMatchObject({ reason: 'opt-out' });
    expect(await send(offer({ journeyId: 'win-back', stepId: 'offer-2' }))).toMatchObject({
      status: 'sent',
      channel: 'email',
    });
    expect(smsCalls()).toHaveLength(1);
  });

  it('SMS throttling: MessageThrottledError, the claim deferred, and a retry texts once', async () => {
    await seedProfile(textable);
    sms
      .on(SendTextMessageCommand)
      .rejectsOnce(new ThrottlingException({ $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }))
      .resolves({ MessageId: 'sms-after-throttle' });
    const h = handler();
    await expect(send(offer(), h)).rejects.toBeInstanceOf(MessageThrottledError);
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'deferred', reason: 'provider-throttled' }),
    ]);
    expect(await send(offer(), h)).toMatchObject({
      status: 'sent',
      channel: 'sms',
      providerMessageId: 'sms-after-throttle',
    });
    expect(smsCalls()).toHaveLength(2);
  });

  it('never opted in to SMS (unknown): the same step goes by email; a transactional text still goes', async () => {
    await seedProfile({ phone: '+8613800138000', preferredChannel: 'sms' });
    expect(await send(offer())).toMatchObject({ status: 'sent', channel: 'email' });
    expect(smsCalls()).toHaveLength(0);
    const notice = offer({ stepId: 'notice', channel: 'sms', category: 'transactional' });
    expect(await send(notice)).toMatchObject({ status: 'sent', channel: 'sms' });
  });

  it('opted out of SMS but not email: the same step goes by email', async () => {
    await seedProfile({
      phone: '+8613800138000',
      preferredChannel: 'sms',
      consent: {
        email: { status: 'subscribed', at: NOW, source: 'default' },
        sms: { status: 'unsubscribed', at: NOW, source: 'sms-stop' },
      },
    });
    expect(await send(offer())).toMatchObject({ status: 'sent', channel: 'email' });
    expect(smsCalls()).toHaveLength(0);
    expect(sendCalls()).toHaveLength(1);
  });

  it('opted out of the topic: skipped/no-consent on every channel', async () => {
    await seedProfile({
      phone: '+8613800138000',
      consent: {
        email: { status: 'subscribed', at: NOW, source: 'default' },
        topics: { offers: { status: 'unsubscribed', at: NOW, source: 'preference-centre' } },
      },
    });
    expect(await send(offer())).toMatchObject({ status: 'skipped', reason: 'no-consent' });
    expect(smsCalls()).toHaveLength(0);
    expect(sendCalls()).toHaveLength(0);
  });

  it('an address on the suppression list gets nothing, not even a transactional message', async () => {
    await seedProfile();
    await table.store.putSuppression({
      key: suppressionKey('email', 'LI@Example.com'),
      channel: 'email',
      reason: 'bounce',
      at: NOW,
      source: 'ses',
    });
    expect(await send(task({ category: 'transactional' }))).toMatchObject({
      status: 'skipped',
      reason: 'suppressed',
    });
    expect(sendCalls()).toHaveLength(0);
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

describe('send-message: quiet hours', () => {
  // 22:30 in Asia/Shanghai, the seeded customer's time zone.
  const LATE = '2026-11-22T14:30:00.000Z';
  const MORNING = '2026-11-23T01:00:00.000Z';
  const at = (iso: string) => handler(iso);

  // An execution compiled before deferrals were thrown passes no `deferral`: it reads the result.
  it('a marketing message due at 22:30 is deferred to 09:00 local, recorded, and sent once when tried again then', async () => {
    await seedProfile();
    const deferred = await send(task({ topic: 'service' }), at(LATE));
    expect(deferred).toEqual({
      status: 'deferred',
      messageKey: expect.any(String),
      reason: 'quiet-hours-deferred',
      until: MORNING,
    });
    expect(sendCalls()).toHaveLength(0);
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'deferred', reason: 'quiet-hours-deferred', deferredUntil: MORNING }),
    ]);
    expect(await send(task({ topic: 'service' }), at(MORNING))).toMatchObject({ status: 'sent' });
    expect(await send(task({ topic: 'service' }), at(MORNING))).toMatchObject({ status: 'duplicate' });
    expect(sendCalls()).toHaveLength(1);
  });

  it('a compiled send (deferral: error) is told of a deferral by SendDeferredError; the deferred task reads its end from the record', async () => {
    await seedProfile();
    const input = task({ topic: 'service', deferral: 'error' });
    const thrown: unknown = await send(input, at(LATE)).catch((e: unknown) => e);
    // The name is what the compiled Catch matches on.
    expect(thrown).toBeInstanceOf(SendDeferredError);
    expect(thrown).toMatchObject({
      name: 'SendDeferredError',
      reason: 'quiet-hours-deferred',
      until: MORNING,
    });
    expect(sendCalls()).toHaveLength(0);
    expect(await messageRecords()).toEqual([
      expect.objectContaining({ status: 'deferred', reason: 'quiet-hours-deferred', deferredUntil: MORNING }),
    ]);
    const journeyStep = createJourneyStepHandler({
      ...createObservability(),
      store: table.storeFor('journey-step'),
      clock: fixedClock(LATE),
    });
    const { customerId, journeyId, journeyVersion, stepId, executionId } = input;
    const deferred = { action: 'deferred', customerId, journeyId, journeyVersion, stepId, executionId };
    expect(await invokeLambda('rapport-journey-step', journeyStep, deferred)).toEqual({
      status: 'deferred',
      until: MORNING,
      reason: 'quiet-hours-deferred',
    });
    expect(await send(input, at(MORNING))).toMatchObject({ status: 'sent' });
    expect(await send(input, at(MORNING))).toMatchObject({ status: 'duplicate' });
    expect(sendCalls()).toHaveLength(1);
  });

  it('a transactional message goes through quiet hours (settings: transactional: send)', async () => {
    await seedProfile();
    expect(await send(task({ category: 'transactional' }), at(LATE))).toMatchObject({ status: 'sent' });
  });

  it('outside the channel’s open hours (settings.yaml pacing.openHours) a marketing email waits for the next window', async () => {
    await seedProfile();
    const pacing = {
      ...workflows.settings.pacing,
      openHours: { email: { MONDAY: [{ from: '10:00', to: '18:00' }] } },
    };
    const withHours = { ...workflows, settings: { ...workflows.settings, pacing } };
    const h = (now: string) =>
      realSendHandler({
        table,
        workflows: withHours,
        clients: { sesClient, smsClient },
        clock: fixedClock(now),
        sender: SENDER,
        publicBaseUrl: PUBLIC_BASE_URL,
        linkSecret: SECRET,
      });
    const opens = '2026-11-23T02:00:00.000Z'; // Monday 10:00 in Shanghai; NOW is Sunday 18:00 there
    expect(await send(task({ topic: 'service' }), h(NOW))).toMatchObject({
      status: 'deferred',
      reason: 'send-window-deferred',
      until: opens,
    });
    expect(sendCalls()).toHaveLength(0);
    expect(await send(task({ topic: 'service' }), h(opens))).toMatchObject({ status: 'sent' });
  });

  it('the customer’s own time zone counts: 22:30 in Shanghai is 14:30 in London', async () => {
    await seedProfile({ timeZone: 'Europe/London' });
    expect(await send(task(), at(LATE))).toMatchObject({ status: 'sent' });
  });
});

describe('send-message: a branch right after the send, decided by the send', () => {
  const LATE = '2026-11-22T14:30:00.000Z';
  const MORNING = '2026-11-23T01:00:00.000Z';
  const branch = { stepId: 'vip-or-not', paths: [{ name: 'vip', when: { tier: 'vip' } }] };
  const decisions = async () => (await table.scan()).filter((i) => i.sk.startsWith('DECISION#'));

  it('once the email is sent: the path, recorded under the branch; a retry answers the same decision', async () => {
    await seedProfile({ tier: 'vip' });
    const input = task({ deferral: 'error', branch });
    expect(await send(input)).toMatchObject({ status: 'sent', decision: { path: 'vip', holdout: false } });
    // The customer changes before a retry of the same task: the decision stays as recorded.
    await seedProfile({ tier: 'regular', version: 2 });
    expect(await send(input)).toMatchObject({
      status: 'duplicate',
      decision: { path: 'vip', holdout: false },
    });
    expect(await decisions()).toEqual([
      expect.objectContaining({
        stepId: 'vip-or-not',
        kind: 'branch',
        path: 'vip',
        holdout: false,
        journeyId: input.journeyId,
        executionId: input.executionId,
        at: NOW,
      }),
    ]);
    expect(sendCalls()).toHaveLength(1);
  });

  it('a skipped send decides too; a path that does not match decides ""', async () => {
    await seedProfile({ consent: { email: { status: 'unsubscribed', at: NOW, source: 'test' } } });
    expect(await send(task({ topic: 'offers', deferral: 'error', branch }))).toMatchObject({
      status: 'skipped',
      decision: { path: '', holdout: false },
    });
  });

  it('a deferred send decides nothing yet: the decision comes when the send runs again', async () => {
    await seedProfile({ tier: 'vip' });
    const input = task({ topic: 'service', deferral: 'error', branch });
    await expect(send(input, handler(LATE))).rejects.toBeInstanceOf(SendDeferredError);
    expect(await decisions()).toEqual([]);
    expect(await send(input, handler(MORNING))).toMatchObject({ status: 'sent', decision: { path: 'vip' } });
    expect(await decisions()).toEqual([expect.objectContaining({ stepId: 'vip-or-not', at: MORNING })]);
  });
});

describe('send-message: an update step right before the send, applied by the send', () => {
  const LATE = '2026-11-22T14:30:00.000Z';
  const MORNING = '2026-11-23T01:00:00.000Z';
  const update = { stepId: 'grant-gift', set: { gift: 'tea' }, addTags: ['gift'], removeTags: [] };
  const profile = async () => (await table.store.getProfile('c-42'))!;

  it('applies the update, then sends; a retry sends nothing more and leaves the profile as it is', async () => {
    await seedProfile();
    const input = task({ deferral: 'error', update });
    expect(await send(input)).toMatchObject({ status: 'sent' });
    expect(await profile()).toMatchObject({ tags: ['gift'], attributes: { gift: 'tea' }, version: 2 });
    expect(await send(input)).toMatchObject({ status: 'duplicate' });
    expect((await profile()).version).toBe(2);
    expect(sendCalls()).toHaveLength(1);
  });

  it('applies it when the send is skipped too', async () => {
    await seedProfile({ consent: { email: { status: 'unsubscribed', at: NOW, source: 'test' } } });
    expect(await send(task({ deferral: 'error', update }))).toMatchObject({ status: 'skipped' });
    expect(await profile()).toMatchObject({ tags: ['gift'] });
  });

  it('applies it when the send is deferred, and not again when the send runs after the wait', async () => {
    await seedProfile();
    const input = task({ topic: 'service', deferral: 'error', update });
    await expect(send(input, handler(LATE))).rejects.toBeInstanceOf(SendDeferredError);
    expect(await profile()).toMatchObject({ tags: ['gift'] });
    // Meanwhile the tag is taken away (another journey, the shop): the update step ran once, at its time.
    const granted = await profile();
    await seedProfile({ ...granted, tags: [], version: granted.version + 1 });
    expect(await send(input, handler(MORNING))).toMatchObject({ status: 'sent' });
    expect((await profile()).tags).toEqual([]);
  });
});

describe('send-message: the frequency cap across journeys', () => {
  it('ten journeys sending to one customer at the same moment: exactly the cap goes out, the rest are skipped/frequency-cap', async () => {
    await seedProfile();
    const h = handler();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        send(task({ executionId: `${task().executionId}-journey-${i}`, topic: 'offers' }), h),
      ),
    );
    const { caps } = workflows.settings.pacing;
    const normalLimit = Math.min(
      ...caps.filter((c) => c.channel !== 'sms').map((c) => c.max - c.reservedForHigh),
    );
    expect(results.filter((r) => r.status === 'sent')).toHaveLength(normalLimit);
    expect(results.filter((r) => r.status === 'skipped' && r.reason === 'frequency-cap')).toHaveLength(
      10 - normalLimit,
    );
    expect(sendCalls()).toHaveLength(normalLimit);
    // The slot kept for high priority is still there: a VIP invitation goes out, and then nothing more.
    const vip = { executionId: `${task().executionId}-vip`, stepId: 'invite', priority: 'high' as const };
    expect(await send(task(vip), h)).toMatchObject({ status: 'sent' });
    expect(await send(task({ ...vip, executionId: `${vip.executionId}-2` }), h)).toMatchObject({
      status: 'skipped',
      reason: 'frequency-cap',
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
