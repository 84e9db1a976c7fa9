import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PurchaseEvent } from '../../domain/events/schema';
import type { CustomerStore, MessageRecord } from '../../domain/ports';
import { NO_COST } from '../../domain/simulate/result';
import { startLocalRuntime } from '../../local/runtime';
import { simulate } from '../../local/simulator/engine';
import { installVirtualTime } from '../../local/virtual-time';
import { itemsOf, postEvent, WORKFLOWS_DIR } from '../support/local';

/**
 * Issue 11's fidelity test: 150 customers of a real purchase history (CDNOW's first 150, their first three
 * months, moved to 2026) through the simulator (in process, in memory) and through the local runtime
 * (dynalite, the local Step Functions, the real handlers over HTTP), on virtual time with the same daily
 * sweep: every customer's stage and tier with their history, journey entries and conversions, and every
 * message (template, locale, channel, time) and skip (reason) are the same.
 */
const CUSTOMERS = 150;
const FROM = '2026-01-01T00:00:00.000Z';
const TO = '2026-04-01T00:00:00.000Z';
const DAY = 86_400_000;
const YEARS = 29;

function history(): PurchaseEvent[] {
  const file = findUp(join('shared', 'data', 'cdnow', 'CDNOW_master.txt'));
  const seen = new Set<string>();
  const events: PurchaseEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/).slice(1)) {
    const [id, date, , dollars] = line.trim().split(/\s+/);
    if (!id || !date || Number(id) > CUSTOMERS) continue;
    const year = Number(date.slice(0, 4)) + YEARS;
    // Noon in New York: CDNOW's customers are American, and noon is outside quiet hours.
    const at = `${year}-${date.slice(4, 6)}-${date.slice(6, 8)}T17:00:00.000Z`;
    if (at >= TO) continue;
    const customerId = `cdnow-${id}`;
    const first = !seen.has(customerId);
    seen.add(customerId);
    events.push({
      eventId: `${customerId}-${events.length}`,
      type: 'purchase',
      customerId,
      at,
      amount: Number(dollars),
      currency: 'USD',
      ...(first
        ? { customer: { email: `${customerId}@example.com`, locale: 'en', timeZone: 'America/New_York' } }
        : {}),
    });
  }
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

function findUp(path: string, dir = join(__dirname, '..', '..', '..')): string {
  const candidate = join(dir, path);
  return existsSync(candidate) || dirname(dir) === dir ? candidate : findUp(path, dirname(dir));
}

/** What a customer's life came to, in a form both runs can be compared in. */
interface Outcome {
  stage?: string;
  tier?: string;
  stageHistory?: unknown;
  tierHistory?: unknown;
  entries: string[];
  messages: string[];
}

const messageLine = (m: Partial<MessageRecord>) =>
  `${m.journeyId}/${m.stepId} ${m.template} ${m.locale ?? '-'} ${m.channel} ${m.status} ${m.status === 'sent' ? m.sentAt : (m.reason ?? '')}`;

async function outcomeOf(
  store: CustomerStore,
  customerId: string,
  messages: Partial<MessageRecord>[],
): Promise<Outcome> {
  const profile = await store.getProfile(customerId);
  const entries = await store.listAllJourneyEntries(customerId);
  return {
    stage: profile?.stage,
    tier: profile?.tier,
    stageHistory: profile?.stageHistory,
    tierHistory: profile?.tierHistory,
    entries: entries.map((e) => `${e.journeyId} ${e.enteredAt} ${e.converted?.at ?? 'open'}`).sort(),
    messages: messages.map(messageLine).sort(),
  };
}

async function simulated(events: PurchaseEvent[], ids: string[]): Promise<Record<string, Outcome>> {
  const outcomes: Record<string, Outcome> = {};
  await simulate({
    workflowsDir: WORKFLOWS_DIR,
    events,
    from: FROM,
    to: TO,
    sweepEveryMs: DAY,
    forecast: () => NO_COST,
    inspect: async ({ store, seen }) => {
      const messages = [...seen.sent, ...seen.skipped];
      for (const id of ids)
        outcomes[id] = await outcomeOf(
          store,
          id,
          messages.filter((m) => m.customerId === id),
        );
    },
  });
  return outcomes;
}

async function local(events: PurchaseEvent[], ids: string[]): Promise<Record<string, Outcome>> {
  const time = installVirtualTime(FROM);
  const runtime = await startLocalRuntime({
    workflowsDir: WORKFLOWS_DIR,
    clock: time.clock,
    sweepEveryMs: DAY,
  });
  try {
    const byInstant = new Map<string, PurchaseEvent[]>();
    for (const e of events) byInstant.set(e.at, [...(byInstant.get(e.at) ?? []), e]);
    for (const [at, group] of byInstant) {
      await time.run(runtime.activity, { until: at });
      const answers = await Promise.all(group.map((e) => postEvent(runtime, e)));
      expect(answers.map((a) => a.status)).toEqual(group.map(() => 202));
    }
    await time.run(runtime.activity, { until: TO });
    const { localCustomerStore } = await import('../../local/store');
    const store = localCustomerStore(runtime.clients.dynamodb, runtime.tableName);
    const outcomes: Record<string, Outcome> = {};
    for (const id of ids) {
      const messages = (await itemsOf(runtime, id, 'MESSAGE#')) as Partial<MessageRecord>[];
      outcomes[id] = await outcomeOf(
        store,
        id,
        messages.filter((m) => m.status === 'sent' || m.status === 'skipped'),
      );
    }
    return outcomes;
  } finally {
    await runtime.stop();
    time.uninstall();
  }
}

describe('the simulator against the local runtime', () => {
  it('gives each of 150 real customers the same stages, journeys, messages and skips', async () => {
    const events = history();
    const ids = [...new Set(events.map((e) => e.customerId))];
    expect(ids).toHaveLength(CUSTOMERS);
    const inProcess = await simulated(events, ids);
    const overHttp = await local(events, ids);
    expect(inProcess).toEqual(overHttp);
    // Not a comparison of two empty lives: the program really ran for these customers.
    const all = Object.values(inProcess);
    expect(all.flatMap((o) => o.messages).filter((m) => m.includes(' sent ')).length).toBeGreaterThan(
      CUSTOMERS,
    );
    expect(new Set(all.map((o) => o.stage)).size).toBeGreaterThan(2);
  }, 600_000);
});
