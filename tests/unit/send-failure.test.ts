import { memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { parseJourneyStepInput } from '../../domain/journey/step-actions';
import { recordSendFailure, type SendFailure } from '../../domain/messages/failure';
import { messageKey } from '../../domain/messages/send';
import type { MessageRecord } from '../../domain/ports';
import { createJourneyStepHandler } from '../../functions/journey-step/handler';
import { createObservability, METRIC } from '../../functions/shared/observability';
import { invokeLambda } from '../../local/lambda';
import { seedProfile } from '../handlers/support';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const clock = fixedClock('2026-11-22T10:00:05Z');
const failure: SendFailure = {
  customerId: 'c-42',
  journeyId: 'first-small-purchase',
  journeyVersion: 3,
  stepId: 'thank-you',
  executionId: 'arn:aws:states:local:000000000000:execution:rapport-first-small-purchase:x',
  channel: 'preferred',
  template: 'first-purchase-thanks',
  category: 'marketing',
  topic: 'service',
  priority: 'normal',
  error: 'MessageThrottledError',
};
const key = messageKey(failure.executionId, failure.stepId);

async function withCustomer() {
  const store = memoryStore();
  await seedProfile(store, lifecycle);
  return store;
}

const held = (status: MessageRecord['status'], patch: Partial<MessageRecord> = {}): MessageRecord => ({
  customerId: 'c-42',
  messageKey: key,
  journeyId: failure.journeyId,
  journeyVersion: 3,
  stepId: failure.stepId,
  executionId: failure.executionId,
  channel: 'email',
  template: failure.template,
  category: 'marketing',
  status,
  createdAt: '2026-11-22T09:00:00.000Z',
  ...patch,
});

describe('recording a send that gave up', () => {
  it('writes a failed message with the error name and nothing personal, once', async () => {
    const store = await withCustomer();
    expect(await recordSendFailure(failure, { store, clock })).toEqual({
      status: 'failed',
      error: 'MessageThrottledError',
      recorded: true,
    });
    const record = await store.getMessage('c-42', key);
    expect(record).toEqual({
      customerId: 'c-42',
      messageKey: key,
      journeyId: failure.journeyId,
      journeyVersion: 3,
      stepId: failure.stepId,
      executionId: failure.executionId,
      channel: 'preferred',
      template: failure.template,
      category: 'marketing',
      topic: 'service',
      priority: 'normal',
      status: 'failed',
      error: 'MessageThrottledError',
      createdAt: clock.now().toISOString(),
    });
    // A retry of the recording task changes nothing and is not counted again.
    expect(await recordSendFailure(failure, { store, clock })).toMatchObject({ recorded: false });
    expect(await store.getMessage('c-42', key)).toEqual(record);
  });

  it('turns a send deferred by quiet hours that then failed into failed, without the deferral', async () => {
    const store = await withCustomer();
    await store.claimMessage(
      held('deferred', { reason: 'quiet-hours-deferred', deferredUntil: '2026-11-23T01:00:00.000Z' }),
    );
    await recordSendFailure(failure, { store, clock });
    const record = await store.getMessage('c-42', key);
    expect(record).toMatchObject({ status: 'failed', error: 'MessageThrottledError' });
    expect(record).not.toHaveProperty('reason');
    expect(record).not.toHaveProperty('deferredUntil');
  });

  it('keeps in-doubt (it may have gone out) and adds the error; leaves sent and skipped alone', async () => {
    const store = await withCustomer();
    await store.claimMessage(held('in-doubt', { to: 'li@example.com' }));
    expect(await recordSendFailure({ ...failure, error: 'TimeoutError' }, { store, clock })).toMatchObject({
      recorded: true,
    });
    expect(await store.getMessage('c-42', key)).toMatchObject({ status: 'in-doubt', error: 'TimeoutError' });
    for (const status of ['sent', 'skipped'] as const) {
      const other = await withCustomer();
      await other.claimMessage(held(status));
      expect(await recordSendFailure(failure, { store: other, clock })).toMatchObject({ recorded: false });
      expect(await other.getMessage('c-42', key)).toEqual(held(status));
    }
  });

  it('writes nothing for a customer erased meanwhile', async () => {
    const store = memoryStore();
    expect(await recordSendFailure(failure, { store, clock })).toMatchObject({ recorded: false });
    expect(await store.getMessage('c-42', key)).toBeUndefined();
  });

  it('keeps only an identifier-like error name', async () => {
    const store = await withCustomer();
    const result = await recordSendFailure(
      { ...failure, error: 'could not reach li@example.com' },
      { store, clock },
    );
    expect(result.error).toBe('UnknownError');
    expect(JSON.stringify(await store.getMessage('c-42', key))).not.toContain('example.com');
  });
});

describe('journey-step: the send-failed action', () => {
  it('is accepted as the compiled state sends it, and counts MessagesFailed once per failed send', async () => {
    const store = await withCustomer();
    const observability = createObservability();
    const counted = jest.spyOn(observability.metrics, 'addMetric');
    const handler = createJourneyStepHandler({ ...observability, store, clock });
    const event = { action: 'send-failed', ...failure };
    expect(parseJourneyStepInput(event)).toMatchObject({ action: 'send-failed' });
    expect(await invokeLambda('rapport-journey-step', handler, event)).toEqual({
      status: 'failed',
      error: 'MessageThrottledError',
      recorded: true,
    });
    await invokeLambda('rapport-journey-step', handler, event);
    expect(counted.mock.calls.filter(([name]) => name === METRIC.messagesFailed)).toHaveLength(1);
  });
});
