import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ingestEvent } from '../../domain/ingest';
import type { CustomerStore } from '../../domain/ports';
import { createSweepWorkerHandler } from '../../functions/sweep-worker/handler';
import { invokeLambda } from '../../local/lambda';
import { lifecycleDeps } from '../support/lifecycle';
import { ENDING_ENTRY } from '../support/sweep';
import { spiedObservability } from '../support/metrics';
import { fixture } from './support';

/** A message of three customers (one due, one not, one unknown) and a message of one whose turn fails. */
const EVENT = fixture<SQSEvent>('sqs-sweep-work.json');

async function world() {
  const deps = lifecycleDeps('2026-01-01T00:00:00Z');
  for (const customerId of ['c-due', 'c-flaky'])
    await ingestEvent(
      { eventId: 'p', type: 'purchase', customerId, at: '2026-01-01T00:00:00Z', amount: 5, currency: 'USD' },
      deps,
    );
  deps.clock.set('2026-03-01T00:00:00Z');
  await ingestEvent(
    {
      eventId: 'p',
      type: 'purchase',
      customerId: 'c-not-due',
      at: '2026-03-01T00:00:00Z',
      amount: 5,
      currency: 'USD',
    },
    deps,
  );
  deps.clock.set('2026-04-10T00:00:00Z');
  // c-flaky's profile cannot be read now (the store fails for them): a reason that may pass.
  const store: CustomerStore = {
    ...deps.store,
    getProfile: (id) =>
      id === 'c-flaky' ? Promise.reject(new Error('throttled')) : deps.store.getProfile(id),
  };
  const { logger, metrics, published } = spiedObservability();
  const handler = createSweepWorkerHandler({ ...deps, store, logger, metrics });
  const invoke = () => invokeLambda('rapport-sweep-worker', handler, EVENT) as Promise<SQSBatchResponse>;
  return { deps, published, invoke };
}

describe('sweep-worker handler', () => {
  it("takes each message's due customers in turn, skips who is not due, and reports only the message with a failed turn", async () => {
    const { deps, published, invoke } = await world();

    const response = await invoke();

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: EVENT.Records[1]!.messageId }]);
    expect(deps.store.profiles.get('c-due')?.stage).toBe('dormant');
    expect(deps.store.profiles.get('c-not-due')?.stage).not.toBe('dormant');
    expect(deps.store.profiles.get('c-flaky')?.dueAt).toBeDefined();
    expect(published).toEqual({ CustomersSwept: 4, StageChanges: 1, SweepItemsFailed: 1 });
  });

  it('changes nothing more when the same messages are delivered again', async () => {
    const { deps, invoke } = await world();
    await invoke();
    const before = structuredClone([...deps.store.profiles.values()]);

    await invoke();

    expect([...deps.store.profiles.values()]).toEqual(before);
    const timed = deps.publisher.published.filter(
      (c) => c.customerId === 'c-due' && c.cause.kind === 'timer',
    );
    expect(timed).toHaveLength(1);
  });
});

/** EventBridge's "Step Functions Execution Status Change" (the AWS docs' example shape), as the rule queues it. */
const ENDED = fixture<SQSEvent>('sqs-execution-status-change.json');

describe('sweep-worker handler: execution ends', () => {
  const entry = ENDING_ENTRY;
  function ends(event: SQSEvent = ENDED) {
    const deps = lifecycleDeps('2026-03-09T08:00:06Z');
    const { logger, metrics, published } = spiedObservability();
    const handler = createSweepWorkerHandler({ ...deps, logger, metrics });
    const invoke = () => invokeLambda('rapport-sweep-worker', handler, event) as Promise<SQSBatchResponse>;
    return { deps, published, invoke };
  }
  const withBody = (body: unknown): SQSEvent => ({
    Records: [{ ...ENDED.Records[0]!, body: JSON.stringify(body) }],
  });

  it('records the end on its entry once, at the stop date, whatever the redeliveries', async () => {
    const { deps, published, invoke } = ends();
    await deps.store.putJourneyEntries([entry]);

    expect((await invoke()).batchItemFailures).toEqual([]);
    // Not a sweep turn: no customer counted as swept.
    expect(published).toEqual({ CustomersSwept: 0 });
    await invoke();

    const ended = { at: '2026-03-09T08:00:05.123Z', status: 'SUCCEEDED' };
    expect(await deps.store.listAllJourneyEntries('c-1')).toEqual([{ ...entry, ended }]);
  });

  it("creates no entry for a customer erased before the end came, and ignores what is not a journey's end", async () => {
    const { deps, invoke } = ends();
    expect((await invoke()).batchItemFailures).toEqual([]);
    expect(await deps.store.listAllJourneyEntries('c-1')).toEqual([]);

    const body = JSON.parse(ENDED.Records[0]!.body) as { detail: Record<string, unknown> };
    for (const detail of [{ status: 'RUNNING' }, { input: null }, { input: '{"other":true}' }]) {
      const other = ends(withBody({ ...body, detail: { ...body.detail, ...detail } }));
      await other.deps.store.putJourneyEntries([entry]);
      expect((await other.invoke()).batchItemFailures).toEqual([]);
      expect(await other.deps.store.listAllJourneyEntries('c-1')).toEqual([entry]);
    }
  });

  it('reports a malformed status change failed, so it is retried and then dead-lettered', async () => {
    const body = JSON.parse(ENDED.Records[0]!.body) as Record<string, unknown>;
    const { invoke } = ends(withBody({ ...body, detail: { status: 'SUCCEEDED' } }));
    expect((await invoke()).batchItemFailures).toEqual([{ itemIdentifier: ENDED.Records[0]!.messageId }]);
  });
});
