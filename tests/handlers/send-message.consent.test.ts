import {
  ConflictException,
  SendTextMessageCommand,
  ThrottlingException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { InvalidTaskInputError, ProfileNotFoundError } from '../../domain/errors';
import { suppressionKey } from '../../domain/messages/policy';
import { MessageThrottledError, type SendMessageInput } from '../../domain/messages/send';
import {
  handler,
  messageRecords,
  NOW,
  seedProfile,
  send,
  sendCalls,
  sms,
  table,
  task,
  workflows,
} from './send-message-setup';

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
