import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { CustomerEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { sweep } from '../../domain/sweep';
import { activeUntil, isRunning } from '../../domain/journey/interplay';
import { settleWaitingEntries } from '../../domain/journey/waiting';
import { ExclusiveGroups } from '../../domain/config/interplay';
import {
  EXECUTION_STATUS_CHANGE,
  ExecutionStatusChange,
  recordExecutionEnd,
} from '../../domain/journey/execution-end';
import { Journey } from '../../domain/journey/schema';
import type { EventRecord, JourneyEntryRecord } from '../../domain/ports';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle, calendar } = loadWorkflows(WORKFLOWS_DIR);
const DAY = 86_400_000;

/** A journey of group `g` entered on `on`, holding the customer a 10-day wait at most. */
const member = (id: string, on: 'purchase' | 'feedback', priority: number, extra: object = {}) =>
  Journey.parse({
    id,
    version: 1,
    description: 'd',
    entry: { event: on },
    steps: [{ id: 'pause', type: 'wait', duration: '10d' }],
    reEntry: 'always',
    exclusive: 'g',
    priority,
    ...extra,
  });

function world(journeys: Journey[], exclusiveGroups?: ExclusiveGroups, sendWindowSeconds?: number) {
  const store = memoryStore();
  const starter = memoryStarter();
  const clock = fixedClock('2026-01-01T00:00:00Z');
  const publisher = memoryPublisher();
  const deps = {
    ...{ store, starter, clock, lifecycle, calendar, journeys, publisher },
    ...{ exclusiveGroups, sendWindowSeconds },
  };
  let n = 0;
  const send = (day: number, type: 'purchase' | 'feedback') => {
    const at = new Date(Date.parse('2026-01-01T00:00:00Z') + day * DAY).toISOString();
    clock.set(at);
    const base = { eventId: `e-${++n}`, customerId: 'c-1', at };
    const event: CustomerEvent =
      type === 'purchase'
        ? { ...base, type, amount: 50, currency: 'USD' }
        : { ...base, type, survey: 'nps', score: 8 };
    return ingestEvent(event, deps);
  };
  const entries = () => store.listAllJourneyEntries('c-1');
  return { store, starter, clock, deps, send, entries };
}

describe('exclusive groups', () => {
  it('of two journeys of a group one event starts, only the higher priority enters; the other is recorded held', async () => {
    const { send, store } = world([member('low', 'purchase', 1), member('high', 'purchase', 5)]);
    const result = await send(0, 'purchase');
    expect(result.journeysStarted).toEqual([expect.stringContaining('high')]);
    const record = (await store.getEvent('c-1', result.eventId)) as EventRecord;
    expect(record.skippedEntries).toEqual([
      {
        journeyId: 'low',
        reason: 'exclusive-group',
        by: { journeyId: 'high', executionName: expect.any(String) },
      },
    ]);
  });

  it('a higher-priority entry stops the running lower one, recorded on both entries, before it starts', async () => {
    const { send, starter, entries } = world([member('low', 'feedback', 1), member('high', 'purchase', 5)]);
    await send(0, 'feedback');
    await send(2, 'purchase');
    const [high, low] = (await entries()).sort((a, b) => a.journeyId.localeCompare(b.journeyId));
    expect(starter.stopped).toEqual([low!.executionArn]);
    expect(low!.stopped).toEqual({
      at: high!.enteredAt,
      reason: 'preempted',
      by: { journeyId: 'high', executionName: high!.executionName },
    });
    expect(high!.preempted).toEqual([{ journeyId: 'low', executionName: low!.executionName }]);
  });

  it('an equal or lower priority is not started while another journey of the group runs, and is once it has ended', async () => {
    const { send, entries } = world([member('first', 'feedback', 5), member('same', 'purchase', 5)]);
    await send(0, 'feedback');
    expect((await send(3, 'purchase')).journeysStarted).toEqual([]);
    // The 10-day wait's worst case has passed (whatever became of the execution): the customer is free.
    expect((await send(11, 'purchase')).journeysStarted).toHaveLength(1);
    expect((await entries()).map((e) => e.journeyId).sort()).toEqual(['first', 'same']);
  });

  it("frees the group once the holding execution's end is recorded, long before its worst case", async () => {
    const { send, store, entries } = world([member('first', 'feedback', 5), member('same', 'purchase', 5)]);
    await send(0, 'feedback');
    const [first] = await entries();
    const ended = (status: string) =>
      recordExecutionEnd(
        ExecutionStatusChange.parse({
          'detail-type': EXECUTION_STATUS_CHANGE,
          source: 'aws.states',
          time: '2026-01-02T00:00:01Z',
          detail: {
            executionArn: first!.executionArn,
            stateMachineArn: 'arn:aws:states:r:1:stateMachine:rapport-first',
            name: first!.executionName,
            status,
            startDate: Date.parse(first!.enteredAt),
            stopDate: Date.parse('2026-01-02T00:00:00Z'),
            input: JSON.stringify({ customerId: 'c-1', journeyId: 'first', journeyVersion: 1 }),
          },
        }),
        { store },
      );
    expect(await ended('RUNNING')).toEqual({ kind: 'ignored', why: 'not-an-end' });
    expect((await send(1, 'purchase')).journeysStarted).toEqual([]);
    expect(await ended('FAILED')).toMatchObject({ kind: 'recorded' });
    expect(await ended('FAILED')).toMatchObject({ kind: 'already-recorded' });
    expect((await send(2, 'purchase')).journeysStarted).toHaveLength(1);
    expect((await entries()).find((e) => e.journeyId === 'first')?.ended).toEqual({
      at: '2026-01-02T00:00:00.000Z',
      status: 'FAILED',
    });
  });

  it('a sweep turn enters the higher of two journeys a timer starts, and reports the other held', async () => {
    const onDormant = (id: string, priority: number) =>
      Journey.parse({ ...member(id, 'purchase', priority), entry: { stage: 'dormant' } });
    const { send, clock, deps, entries } = world([onDormant('gentle', 1), onDormant('strong', 2)]);
    await send(0, 'purchase');
    clock.set('2026-04-05T00:00:00Z'); // dormant since 1 April
    const result = await sweep(deps);
    expect(result).toMatchObject({ stageChanges: 1, journeysStarted: 1 });
    expect((await entries()).map((e) => e.journeyId)).toEqual(['strong']);
    expect(result.entriesHeld).toEqual([
      {
        customerId: 'c-1',
        journeyId: 'gentle',
        reason: 'exclusive-group',
        by: { journeyId: 'strong', executionName: expect.any(String) },
      },
    ]);
  });

  it('a converted entry holds no one: its goal ended it', async () => {
    const journeys = [
      member('first', 'feedback', 5, { goal: { event: 'purchase', within: '30d' } }),
      member('second', 'purchase', 1),
    ];
    const { send } = world(journeys);
    await send(0, 'feedback');
    const result = await send(1, 'purchase');
    expect(result.conversions).toEqual(['first']);
    expect(result.journeysStarted).toHaveLength(1);
  });

  it('an entry runs until its bound unless converted or stopped; entries from before the bound get it from the journey', () => {
    const journey = member('j', 'purchase', 0);
    const ctx = { journeys: [journey], marketingPauseSeconds: 0 };
    const entry: JourneyEntryRecord = {
      customerId: 'c',
      journeyId: 'j',
      journeyVersion: 1,
      executionName: 'x',
      executionArn: 'arn:x',
      enteredAt: '2026-01-01T00:00:00.000Z',
      trigger: { eventId: 'e', eventType: 'purchase', at: '2026-01-01T00:00:00.000Z' },
    };
    expect(isRunning(entry, ctx, new Date('2026-01-10T23:00:00Z'))).toBe(true);
    expect(isRunning(entry, ctx, new Date('2026-01-11T00:00:00Z'))).toBe(false);
    const stopped = { at: 'x', reason: 'preempted' as const, by: { journeyId: 'k', executionName: 'y' } };
    expect(isRunning({ ...entry, stopped }, ctx, new Date('2026-01-02T00:00:00Z'))).toBe(false);
    expect(isRunning({ ...entry, converted: { eventId: 'p', at: 'x' } }, ctx, new Date('2026-01-02'))).toBe(
      false,
    );
    const ended = { at: '2026-01-01T01:00:00.000Z', status: 'SUCCEEDED' as const };
    expect(isRunning({ ...entry, ended }, ctx, new Date('2026-01-02T00:00:00Z'))).toBe(false);
  });
});

describe('exclusive groups that wait', () => {
  const groups = (waitAtMost: string) =>
    ExclusiveGroups.parse({ g: { onHigherPriority: 'wait', waitAtMost } });
  const at = (day: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + day * DAY);
  const byJourney = async (entries: () => Promise<JourneyEntryRecord[]>) =>
    Object.fromEntries((await entries()).map((e) => [e.journeyId, e]));

  it('is chosen per group in settings: pre-empting by default, waiting at most 30 days unless told', () => {
    expect(ExclusiveGroups.parse({ g: {} })).toEqual({
      g: { onHigherPriority: 'preempt', waitAtMost: '30d' },
    });
    expect(groups('21d').g).toEqual({ onHigherPriority: 'wait', waitAtMost: '21d' });
    const refused = ExclusiveGroups.safeParse({ g: { onHigherPriority: 'queue', waitAtMost: 'soon' } });
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['g.onHigherPriority', expect.stringContaining('"wait" (start once it has ended)')],
      ['g.waitAtMost', expect.any(String)],
    ]);
  });

  it('a higher priority waits for the running lower one, holding the group, and starts once its end is recorded', async () => {
    const journeys = [
      member('low', 'feedback', 1),
      member('high', 'purchase', 5),
      member('other', 'purchase', 0),
    ];
    const { send, store, starter, deps, entries } = world(journeys, groups('30d'));
    await send(0, 'feedback');
    const waited = await send(2, 'purchase');
    expect(waited.journeysStarted).toEqual([]);
    const { low, high: waiting } = await byJourney(entries);
    expect(starter.stopped).toEqual([]);
    expect(low!.stopped).toBeUndefined();
    // Behind low until low's worst case (its 10-day wait), well within the 30 days the group allows.
    expect(waiting!.waiting).toMatchObject({
      since: at(2).toISOString(),
      until: low!.activeUntil,
      behind: [{ journeyId: 'low', executionName: low!.executionName }],
    });
    expect([...starter.started.keys()]).toEqual([low!.executionName]);
    // Nothing happens while low runs; the waiting entry holds the group against a lower priority too.
    expect(await settleWaitingEntries('c-1', deps, at(3))).toEqual({
      started: [],
      expired: [],
      until: low!.activeUntil,
    });
    expect((await byJourney(entries)).other).toBeUndefined();

    await store.recordJourneyEnd(low!, { at: at(4).toISOString(), status: 'SUCCEEDED' });
    const settled = await settleWaitingEntries('c-1', deps, at(4));
    const { high } = await byJourney(entries);
    expect(settled.started).toEqual([
      { journeyId: 'high', executionName: high!.executionName, executionArn: high!.executionArn },
    ]);
    expect(starter.started.get(high!.executionName)).toMatchObject({ journeyId: 'high', customerId: 'c-1' });
    expect(high).toMatchObject({
      enteredAt: at(4).toISOString(),
      waited: { since: at(2).toISOString(), outcome: 'started', at: at(4).toISOString() },
    });
    expect(high!.waiting).toBeUndefined();
    // A retry (the same end delivered again) starts nothing more.
    expect(await settleWaitingEntries('c-1', deps, at(4))).toEqual({ started: [], expired: [] });
  });

  it('a waiting entry expires, recorded and never started, if the blocker still runs at the group bound', async () => {
    const { send, deps, store, clock, starter, entries } = world(
      [member('low', 'feedback', 1), member('high', 'purchase', 5)],
      groups('3d'),
    );
    await send(0, 'feedback');
    await send(2, 'purchase');
    const { high } = await byJourney(entries);
    expect(high!.waiting?.until).toBe(at(5).toISOString());
    // The sweep finds the customer due at the bound (the backstop), whatever became of the blocker's end.
    expect(store.profiles.get('c-1')).toMatchObject({
      waitingUntil: at(5).toISOString(),
      dueAt: at(5).toISOString(),
    });
    clock.set(at(5).toISOString());
    expect((await sweep(deps)).journeysStarted).toBe(0);
    expect(store.profiles.get('c-1')?.waitingUntil).toBeUndefined();
    expect((await byJourney(entries)).high?.waited?.outcome).toBe('expired');
    expect(starter.started.has(high!.executionName)).toBe(false);
    // Expired, it holds no one: the next entry of the group is decided as if it had never been.
    expect(
      isRunning(
        (await byJourney(entries)).high!,
        { journeys: deps.journeys, marketingPauseSeconds: 0 },
        at(5),
      ),
    ).toBe(false);
  });

  it("starts at the blocker's bound when its end was never recorded (a lost event)", async () => {
    const { send, deps, store, clock, starter, entries } = world(
      [member('low', 'feedback', 1), member('high', 'purchase', 5)],
      groups('30d'),
    );
    await send(0, 'feedback');
    await send(2, 'purchase');
    const { low, high } = await byJourney(entries);
    clock.set(low!.activeUntil!);
    expect((await sweep(deps)).journeysStarted).toBe(1);
    expect(starter.started.has(high!.executionName)).toBe(true);
    expect((await byJourney(entries)).high?.waited?.outcome).toBe('started');
    expect(store.profiles.get('c-1')?.waitingUntil).toBeUndefined();
  });

  it('an equal or lower priority is still not started, not made to wait; an erased customer starts nothing', async () => {
    const { send, store, deps, entries } = world(
      [member('first', 'feedback', 5), member('same', 'purchase', 5)],
      groups('30d'),
    );
    await send(0, 'feedback');
    expect((await send(2, 'purchase')).journeysStarted).toEqual([]);
    expect((await entries()).map((e) => e.journeyId)).toEqual(['first']);
    await store.deleteCustomer('c-1');
    expect(await settleWaitingEntries('c-1', deps, at(20))).toEqual({ started: [], expired: [] });
  });

  it('a waiting entry that starts later is bound as one started at once, the send window counted', async () => {
    const steps = [{ id: 'hello', type: 'send', channel: 'email', template: 't', topic: 'offers' }];
    const high = member('high', 'purchase', 5, { steps });
    const sendWindowSeconds = 5 * 86_400;
    const { send, store, deps, entries } = world(
      [member('low', 'feedback', 1), high],
      groups('30d'),
      sendWindowSeconds,
    );
    await send(0, 'feedback');
    await send(2, 'purchase');
    await store.recordJourneyEnd((await byJourney(entries)).low!, {
      at: at(4).toISOString(),
      status: 'SUCCEEDED',
    });
    expect((await settleWaitingEntries('c-1', deps, at(4))).started).toHaveLength(1);
    const bound = { marketingPauseSeconds: 30 * 86_400, sendWindowSeconds };
    expect(lifecycle.care.pauseMarketing).toBe('30d');
    expect((await byJourney(entries)).high!.activeUntil).toBe(activeUntil(high, at(4), bound));
  });

  it('the bound counts the longest a marketing send waits for its channel to open (open hours, closed days)', () => {
    const steps = [{ id: 'hello', type: 'send', channel: 'email', template: 't', topic: 'offers' }];
    const journey = member('j', 'purchase', 0, { steps });
    const at = new Date('2026-01-01T00:00:00Z');
    const without = Date.parse(activeUntil(journey, at, { marketingPauseSeconds: 0 }));
    const withWindow = Date.parse(
      activeUntil(journey, at, { marketingPauseSeconds: 0, sendWindowSeconds: 5 * 86_400 }),
    );
    expect(withWindow - without).toBe(5 * DAY);
  });
});
