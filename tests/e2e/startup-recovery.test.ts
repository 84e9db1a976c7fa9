import { localCustomerStore } from '../../local/store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_LEASE_MS, fingerprintOf, newClaim } from '../../domain/event-claim';
import type { BusinessEvent } from '../../domain/events/types';
import { applyEvent } from '../../domain/lifecycle/apply';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { httpRequest } from '../support/http';
import { firstSmallPurchase, fixedClock, inbox, TEST_NOW, WORKFLOWS_DIR } from '../support/local';

/**
 * Issue 10, "no gap between accepted and started", locally: a delivery killed after the profile write
 * (kill -9: its claim is left, the profile says the event was applied, the journey never started) is
 * finished when `npm start` starts again on the same data folder, whether its lease has passed or not.
 */
describe('local start-up recovers events whose delivery died', () => {
  let dataDir: string;
  let runtime: LocalRuntime | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'rapport-recovery-'));
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * Starts on the data folder (on a fixed clock) and waits until every journey it started has sent its
   * thank-you and entered its 3-day wait, so that stopping it interrupts nothing.
   */
  const start = async () => {
    const r = await startLocalRuntime({
      dataDir,
      workflowsDir: WORKFLOWS_DIR,
      clock: fixedClock(TEST_NOW),
      sweepEveryMs: 0,
    });
    const waiting = () =>
      r.stepFunctions.listExecutions().every((e) => e.statesEntered.some((s) => s.name === 'let-it-arrive'));
    while (!waiting() || r.activity.inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
    return r;
  };

  /** /_local/executions, as a person opens it. */
  const executionsPage = async (r: LocalRuntime) =>
    (await httpRequest(`${r.urls.api}/_local/executions`)).json<unknown>();

  /** What the killed delivery left: its claim (with the event) and the profile with the event applied. */
  async function plantDeadDelivery(r: LocalRuntime, event: BusinessEvent, claimedMsAgo: number) {
    const store = localCustomerStore(r.clients.dynamodb, r.tableName);
    const claimedAt = Date.parse(TEST_NOW) - claimedMsAgo;
    const claim = newClaim(event, fingerprintOf(event), new Date(claimedAt), `killed-${event.customerId}`);
    expect(await store.writeEvent(claim)).toBe(true);
    const applied = applyEvent(undefined, event, r.workflows.lifecycle, new Date(claimedAt)).profile;
    await store.putProfile(applied);
  }

  it('starts the journeys of a planted claim (lease passed, or killed a second ago), once, and marks it done', async () => {
    runtime = await start();
    const passed = firstSmallPurchase({ customerId: 'c-old', email: 'old@example.com' }) as BusinessEvent;
    const fresh = firstSmallPurchase({ customerId: 'c-new', email: 'new@example.com' }) as BusinessEvent;
    await plantDeadDelivery(runtime, passed, EVENT_LEASE_MS * 3);
    await plantDeadDelivery(runtime, fresh, 1_000);
    expect(runtime.stepFunctions.listExecutions()).toEqual([]);
    await runtime.stop();

    runtime = await start();
    const names = () =>
      runtime!.stepFunctions
        .listExecutions()
        .map((e) => e.name)
        .sort();
    expect(names()).toEqual([
      expect.stringMatching(/first-small-purchase.*c-new|c-new.*first-small-purchase/),
      expect.stringMatching(/first-small-purchase.*c-old|c-old.*first-small-purchase/),
    ]);
    expect(await inbox(runtime, 'old@example.com')).toHaveLength(1);
    expect(await inbox(runtime, 'new@example.com')).toHaveLength(1);
    expect(runtime.recoveredAtStart.recovered.map((c) => c.customerId).sort()).toEqual(['c-new', 'c-old']);
    // The start-up report says so, beside the executions it started.
    const report = {
      recoveredEvents: 2,
      failedRecoveries: 0,
      resumedExecutions: 0,
      failedResumes: 0,
      inDoubtMessages: 0,
    };
    expect(runtime.startup).toEqual(report);
    expect(await executionsPage(runtime)).toEqual({
      startup: report,
      executions: [
        expect.objectContaining({ status: 'RUNNING' }),
        expect.objectContaining({ status: 'RUNNING' }),
      ],
    });
    const store = localCustomerStore(runtime.clients.dynamodb, runtime.tableName);
    expect(await store.getEvent('c-old', 'e-1')).toMatchObject({ state: 'done' });
    expect(await store.getEvent('c-new', 'e-1')).toMatchObject({ state: 'done' });
    expect(await store.getProfile('c-old')).toMatchObject({ purchaseCount: 1, version: 1 });
    await runtime.stop();

    // A third start has no event left to finish: the two journeys it finds are the same two executions,
    // resumed in their 3-day wait (no new start, no second thank-you).
    const before = names();
    runtime = await start();
    expect(names()).toEqual(before);
    expect(runtime.resumedAtStart.resumed.map((r) => r.checkpoint?.state)).toEqual([
      'let-it-arrive',
      'let-it-arrive',
    ]);
    expect(runtime.recoveredAtStart).toEqual({ recovered: [], failed: [] });
    expect(await executionsPage(runtime)).toEqual({
      startup: {
        recoveredEvents: 0,
        failedRecoveries: 0,
        resumedExecutions: 2,
        failedResumes: 0,
        inDoubtMessages: 0,
      },
      executions: [
        expect.objectContaining({ status: 'RUNNING', checkpoint: expect.objectContaining({ kind: 'wait' }) }),
        expect.objectContaining({ status: 'RUNNING', checkpoint: expect.objectContaining({ kind: 'wait' }) }),
      ],
    });
    // (The local SES keeps its store for the whole process: the one thank-you each got, and no other.)
    expect(await inbox(runtime, 'old@example.com')).toHaveLength(1);
    expect(await inbox(runtime, 'new@example.com')).toHaveLength(1);
    expect(
      await localCustomerStore(runtime.clients.dynamodb, runtime.tableName).getEvent('c-old', 'e-1'),
    ).toMatchObject({
      state: 'done',
    });
  });
});
