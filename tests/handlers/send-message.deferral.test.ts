import { fixedClock } from '../../domain/clock';
import { SendDeferredError } from '../../domain/errors';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createObservability } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { realSendHandler } from './send-wiring';
import {
  handler,
  messageRecords,
  NOW,
  PUBLIC_BASE_URL,
  SECRET,
  seedProfile,
  send,
  SENDER,
  sendCalls,
  sesClient,
  smsClient,
  table,
  task,
  workflows,
} from './send-message-setup';

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
