import { localCustomerStore } from '../../local/store';
import { messageKey } from '../../domain/messages/send';
import type { CustomerStore, MessageRecord, MessageStatus } from '../../domain/ports';
import { createObservability, METRIC } from '../../functions/shared/observability';
import { logInterruptedSends, settleInterruptedSends } from '../../local/interrupted-sends';
import type { LocalRuntime } from '../../local/runtime';
import { startTestRuntime, TEST_NOW } from '../support/local';

/**
 * Issue 10, stuck `sending` records, at local start-up: the runtime holds its data folder's lock, so
 * every message record left `sending` was claimed by a process that is gone (kill -9 between the claim
 * and the provider's answer). Each is marked in-doubt (interrupted) once, counted, and reported by id.
 */
describe('local start-up: messages a killed process left `sending`', () => {
  // One runtime for the file (its start is the slow part); each test plants customers of its own.
  let runtime: LocalRuntime;
  let store: CustomerStore;
  beforeAll(async () => {
    runtime = await startTestRuntime();
    store = localCustomerStore(runtime.clients.dynamodb, runtime.tableName);
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  /** A message record as a send leaves it; claimed a second ago (age does not matter at start-up). */
  const message = (customerId: string, stepId: string, status: MessageStatus): MessageRecord => {
    const executionId = `arn:aws:states:local:000000000000:execution:rapport-first-small-purchase:${customerId}`;
    return {
      customerId,
      messageKey: messageKey(executionId, stepId),
      journeyId: 'first-small-purchase',
      journeyVersion: 1,
      stepId,
      executionId,
      channel: 'email',
      template: 'first-purchase-thanks',
      category: 'marketing',
      priority: 'normal',
      status,
      to: `${customerId}@example.com`,
      subject: 'Thank you',
      createdAt: '2026-11-22T09:00:00.000Z',
      claimedAt: new Date(Date.parse(TEST_NOW) - 1000).toISOString(),
    };
  };

  async function plant(records: MessageRecord[]) {
    for (const r of records) expect(await store.claimMessage(r)).toBe(true);
  }

  const stuck = (test: string) =>
    Array.from({ length: 12 }, (_, i) => message(`${test}-c-${i}`, 'thank-you', 'sending'));
  const others = (['sent', 'deferred', 'in-doubt', 'skipped', 'failed'] as const).map((s) =>
    message('once-c-0', `other-${s}`, s),
  );
  const ids = (records: MessageRecord[]) =>
    records.map(({ customerId, messageKey }) => ({ customerId, messageKey }));

  it('marks every one in-doubt (interrupted), once, returns their ids and nothing personal; leaves others', async () => {
    const stuckHere = stuck('once');
    await plant([...stuckHere, ...others]);
    const found = await settleInterruptedSends(runtime.clients.dynamodb, runtime.tableName);
    expect(found.count).toBe(12);
    expect(found.messages).toHaveLength(12);
    expect(found.messages).toEqual(expect.arrayContaining(ids(stuckHere)));
    expect(JSON.stringify(found)).not.toMatch(/@|Thank you|first-purchase-thanks/);
    for (const r of stuckHere)
      expect(await store.getMessage(r.customerId, r.messageKey)).toEqual({
        ...r,
        status: 'in-doubt',
        inDoubtReason: 'interrupted',
      });
    for (const r of others) expect(await store.getMessage(r.customerId, r.messageKey)).toEqual(r);

    // The next start-up finds nothing left.
    expect(await settleInterruptedSends(runtime.clients.dynamodb, runtime.tableName)).toEqual({
      count: 0,
      messages: [],
    });
  });

  it('two passes at once mark each message once between them', async () => {
    const stuckHere = stuck('race');
    await plant(stuckHere);
    const passes = await Promise.all([
      settleInterruptedSends(runtime.clients.dynamodb, runtime.tableName),
      settleInterruptedSends(runtime.clients.dynamodb, runtime.tableName),
    ]);
    expect(passes[0]!.count + passes[1]!.count).toBe(12);
    expect([...passes[0]!.messages, ...passes[1]!.messages]).toEqual(expect.arrayContaining(ids(stuckHere)));
  });

  it('logInterruptedSends counts MessagesInDoubt and logs each by id only', async () => {
    const stuckHere = stuck('log').slice(0, 2);
    await plant(stuckHere);
    const observability = createObservability();
    const counted = jest.spyOn(observability.metrics, 'addMetric');
    const warned = jest.spyOn(observability.logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(observability.metrics, 'publishStoredMetrics').mockImplementation(() => observability.metrics);
    logInterruptedSends(
      await settleInterruptedSends(runtime.clients.dynamodb, runtime.tableName),
      observability,
    );
    expect(counted.mock.calls).toEqual([[METRIC.messagesInDoubt, 'Count', 2]]);
    expect(warned.mock.calls.map(([, extra]) => extra)).toEqual(expect.arrayContaining(ids(stuckHere)));
    expect(JSON.stringify(warned.mock.calls)).not.toContain('@');
  });
});
