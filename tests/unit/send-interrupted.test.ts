import { memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { recordSendFailure } from '../../domain/messages/failure';
import { SEND_TIMEOUT_SECONDS } from '../../domain/messages/interrupted';
import { createRenderer } from '../../domain/messages/render';
import {
  messageKey,
  parseSendMessageInput,
  sendMessage,
  type SendDeps,
  type SendMessageInput,
} from '../../domain/messages/send';
import type { CustomerStore, MessageRecord, RawEmail } from '../../domain/ports';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createObservability, METRIC } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { fixture, killedSendClaim, seedProfile } from '../handlers/support';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * Issue 10, stuck `sending` records: a send whose sender stopped between its claim and the provider's
 * answer is found by the next attempt of the same step, marked in-doubt once, and never sent again.
 */
const workflows = loadWorkflows(WORKFLOWS_DIR);
const CLAIMED = '2026-11-22T10:00:00.000Z';
const LIMIT_MS = SEND_TIMEOUT_SECONDS * 1000;
const input: SendMessageInput = parseSendMessageInput(fixture('sfn-send-message-task.json'));
const key = messageKey(input.executionId, input.stepId);

const at = (msAfterClaim: number) => new Date(Date.parse(CLAIMED) + msAfterClaim).toISOString();

/** Deps whose providers record every call: an interrupted message must never reach one. */
function world(store: CustomerStore, now: string) {
  const emails: RawEmail[] = [];
  const deps: SendDeps = {
    store,
    clock: fixedClock(now),
    renderer: createRenderer(workflows),
    mailer: { send: async (email) => (emails.push(email), { messageId: `ses-${emails.length}` }) },
    sms: { send: () => Promise.reject(new Error('no SMS in these tests')) },
    sender: 'hello@rapport.example',
    publicBaseUrl: 'https://rapport.example',
    linkSecret: async () => 'k',
    settings: workflows.settings,
  };
  return { deps, emails };
}

/** The record a send that was then killed left behind. */
const claim = (patch: Partial<MessageRecord> = {}) => killedSendClaim(input, CLAIMED, patch);

async function storeWith(record: MessageRecord) {
  const store = memoryStore();
  await seedProfile(store, workflows.lifecycle);
  expect(await store.claimMessage(record)).toBe(true);
  return store;
}

describe('a send that finds its message still `sending`', () => {
  it('older than the send time limit: marks it in-doubt (interrupted) once, says so once, sends nothing', async () => {
    const store = await storeWith(claim());
    const { deps, emails } = world(store, at(LIMIT_MS + 1));
    expect(await sendMessage(input, deps)).toEqual({
      status: 'duplicate',
      messageKey: key,
      previous: 'in-doubt',
      interrupted: true,
    });
    expect(await store.getMessage('c-42', key)).toEqual(
      claim({ status: 'in-doubt', inDoubtReason: 'interrupted' }),
    );
    // A later attempt finds it in-doubt: nothing more to mark or to count.
    expect(await sendMessage(input, deps)).toEqual({
      status: 'duplicate',
      messageKey: key,
      previous: 'in-doubt',
    });
    expect(emails).toEqual([]);
  });

  it('younger than the limit: left to its sender, untouched, answered duplicate/sending', async () => {
    const store = await storeWith(claim());
    const { deps, emails } = world(store, at(LIMIT_MS));
    expect(await sendMessage(input, deps)).toEqual({
      status: 'duplicate',
      messageKey: key,
      previous: 'sending',
    });
    expect(await store.getMessage('c-42', key)).toEqual(claim());
    expect(emails).toEqual([]);
  });

  it('measures the age from the claim, not from the first attempt (a deferral keeps createdAt)', async () => {
    const createdAt = at(-2 * 86_400_000);
    const store = await storeWith(claim({ createdAt }));
    const { deps } = world(store, at(LIMIT_MS / 2));
    expect(await sendMessage(input, deps)).toMatchObject({ previous: 'sending' });
    expect(await store.getMessage('c-42', key)).toEqual(claim({ createdAt }));
  });

  it('a claim from before claimedAt existed is aged from createdAt', async () => {
    const { claimedAt: _none, ...legacy } = claim();
    const store = await storeWith(legacy);
    const { deps } = world(store, at(LIMIT_MS + 1));
    expect(await sendMessage(input, deps)).toMatchObject({ previous: 'in-doubt', interrupted: true });
    expect(await store.getMessage('c-42', key)).toEqual({
      ...legacy,
      status: 'in-doubt',
      inDoubtReason: 'interrupted',
    });
  });

  it('two attempts racing: exactly one marks it, both answer in-doubt, nothing is sent', async () => {
    const store = await storeWith(claim());
    const { deps, emails } = world(store, at(LIMIT_MS * 3));
    const results = await Promise.all([sendMessage(input, deps), sendMessage(input, deps)]);
    expect(results.map((r) => r.status === 'duplicate' && r.previous)).toEqual(['in-doubt', 'in-doubt']);
    expect(results.filter((r) => r.status === 'duplicate' && r.interrupted)).toHaveLength(1);
    expect(emails).toEqual([]);
  });
});

describe('the claim a send makes', () => {
  it('carries claimedAt from the clock at the claim, also when a deferral re-claims it days later', async () => {
    const deferredAt = at(-86_400_000);
    const store = await storeWith(
      claim({
        status: 'deferred',
        reason: 'quiet-hours-deferred',
        deferredUntil: CLAIMED,
        createdAt: deferredAt,
      }),
    );
    const { deps } = world(store, CLAIMED);
    let seenBySend: MessageRecord | undefined;
    deps.mailer = {
      send: async () => {
        seenBySend = await store.getMessage('c-42', key);
        return { messageId: 'ses-1' };
      },
    };
    expect(await sendMessage(input, deps)).toMatchObject({ status: 'sent' });
    expect(seenBySend).toMatchObject({ status: 'sending', createdAt: deferredAt, claimedAt: CLAIMED });
  });

  it('an ambiguous provider failure is in-doubt for a provider error, not an interruption', async () => {
    const store = memoryStore();
    await seedProfile(store, workflows.lifecycle);
    const { deps } = world(store, CLAIMED);
    deps.mailer = { send: () => Promise.reject(new Error('socket hang up')) };
    await expect(sendMessage(input, deps)).rejects.toThrow('socket hang up');
    expect(await store.getMessage('c-42', key)).toMatchObject({
      status: 'in-doubt',
      inDoubtReason: 'provider-error',
    });
  });
});

describe('a send step that gave up while its message was still `sending`', () => {
  // What the `<send>-failed` state passes: the send's parameters but how it reports a deferral.
  const { deferral: _deferral, ...sendParameters } = input;
  const failure = { ...sendParameters, channel: input.channel, error: 'Sandbox.Timedout' };

  it('records it in-doubt (interrupted) with the error, not failed; a retry of the recording changes nothing', async () => {
    const store = await storeWith(claim());
    const clock = fixedClock(at(1000));
    expect(await recordSendFailure(failure, { store, clock })).toEqual({
      status: 'failed',
      error: 'Sandbox.Timedout',
      recorded: true,
      inDoubt: true,
    });
    const record = claim({ status: 'in-doubt', inDoubtReason: 'interrupted', error: 'Sandbox.Timedout' });
    expect(await store.getMessage('c-42', key)).toEqual(record);
    expect(await recordSendFailure(failure, { store, clock })).toMatchObject({ recorded: false });
    expect(await store.getMessage('c-42', key)).toEqual(record);
  });

  it('journey-step counts MessagesInDoubt once, beside MessagesFailed', async () => {
    const store = await storeWith(claim());
    const observability = createObservability();
    const counted = jest.spyOn(observability.metrics, 'addMetric');
    const handler = createJourneyStepHandler({ ...observability, store, clock: fixedClock(at(1000)) });
    const event = { action: 'send-failed', ...failure, category: 'marketing', priority: 'normal' };
    await invokeLambda('rapport-journey-step', handler, event);
    await invokeLambda('rapport-journey-step', handler, event);
    const names = counted.mock.calls.map(([name]) => name);
    expect(names.filter((n) => n === METRIC.messagesInDoubt)).toHaveLength(1);
    expect(names.filter((n) => n === METRIC.messagesFailed)).toHaveLength(1);
  });
});
