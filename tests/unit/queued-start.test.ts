import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { queuedStarter } from '../../adapters/stepfunctions/journey-starter';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { eraseCustomer } from '../../domain/erase';
import type { CustomerEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { QueuedStart, startQueued } from '../../domain/journey/queued-start';
import { Journey } from '../../domain/journey/schema';
import type { StartRequest, WorkQueue } from '../../domain/ports';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle, calendar } = loadWorkflows(WORKFLOWS_DIR);
const journey = Journey.parse({
  id: 'check-in',
  version: 1,
  description: 'd',
  entry: { event: 'purchase' },
  goal: { event: 'purchase', within: '30d' },
  steps: [{ id: 'pause', type: 'wait', duration: '1d' }],
  reEntry: 'always',
});

/** Ingest with queued starts (as on AWS): the queue is a list; `consume` runs start-journey's logic on it. */
function world() {
  const store = memoryStore();
  const direct = memoryStarter();
  const queued: StartRequest[] = [];
  const queue: WorkQueue<StartRequest> & { failNext: boolean } = {
    failNext: false,
    async send(messages) {
      if (this.failNext) {
        this.failNext = false;
        throw new Error('SQS unavailable');
      }
      queued.push(...structuredClone(messages));
    },
  };
  const clock = fixedClock('2026-01-01T00:00:00Z');
  const deps = {
    store,
    starter: queuedStarter(direct, queue),
    clock,
    lifecycle,
    calendar,
    journeys: [journey],
    publisher: memoryPublisher(),
  };
  const buy = (eventId: string, at = '2026-01-01T00:00:00Z') => {
    const event: CustomerEvent = {
      eventId,
      type: 'purchase',
      customerId: 'c-1',
      at,
      amount: 5,
      currency: 'USD',
    };
    return ingestEvent(event, deps);
  };
  const consume = (request: StartRequest, beforeStart = async () => undefined) =>
    startQueued(QueuedStart.parse(JSON.parse(JSON.stringify(request))), {
      store,
      starter: direct,
      beforeStart,
    });
  return { store, direct, queue, queued, deps, buy, consume };
}

describe('entry first, then the queued start', () => {
  it('the entry is written before the start is queued, naming the ARN the execution will have', async () => {
    const { store, queued, buy } = world();
    await buy('e-1');
    const [entry] = await store.listJourneyEntries('c-1', 'check-in');
    expect(queued).toHaveLength(1);
    expect(entry).toMatchObject({
      executionName: queued[0]!.executionName,
      executionArn: `arn:test:execution:${queued[0]!.executionName}`,
    });
  });

  it('a crash between the entry and the start: the retry writes the entry again and starts exactly once', async () => {
    const { store, direct, queue, queued, buy, consume } = world();
    queue.failNext = true;
    await expect(buy('e-1')).rejects.toThrow('SQS unavailable');
    // The entry is there, the start is not: nothing started yet.
    expect(await store.listJourneyEntries('c-1', 'check-in')).toHaveLength(1);
    expect(queued).toHaveLength(0);

    // The event comes back (the ingest queue delivers it again): the same entry, one queued start.
    await buy('e-1');
    expect(await store.listJourneyEntries('c-1', 'check-in')).toHaveLength(1);
    expect(queued).toHaveLength(1);
    // The start queue delivers at least once: a second delivery is ExecutionAlreadyExists, not a second run.
    expect(await consume(queued[0]!)).toBe('started');
    expect(await consume(queued[0]!)).toBe('already-started');
    expect([...direct.started.keys()]).toEqual([queued[0]!.executionName]);
  });

  it('an erasure while the start waits: skipped (gone), nothing started', async () => {
    const { direct, queued, deps, buy, consume } = world();
    await buy('e-1');
    deps.clock.set('2026-01-01T00:01:00Z');
    await eraseCustomer('c-1', deps);
    expect(await consume(queued[0]!)).toBe('gone');
    expect(direct.started.size).toBe(0);
  });

  it('a goal while the start waits: skipped (converted), nothing started', async () => {
    const { direct, queued, buy, consume } = world();
    await buy('e-1');
    // Its re-entry rule is `always`: the second purchase converts the first entry and starts a second.
    await buy('e-2', '2026-01-01T00:00:01Z');
    expect(await consume(queued[0]!)).toBe('converted');
    expect(await consume(queued[1]!)).toBe('started');
    expect([...direct.started.keys()]).toEqual([queued[1]!.executionName]);
  });

  it('a goal between the check and the start: the execution started is stopped at once', async () => {
    const { direct, queued, buy, consume } = world();
    await buy('e-1');
    const outcome = await consume(queued[0]!, async () => {
      await buy('e-2', '2026-01-01T00:00:01Z');
    });
    expect(outcome).toBe('converted');
    const arn = `arn:test:execution:${queued[0]!.executionName}`;
    expect(direct.started.has(queued[0]!.executionName)).toBe(true);
    // The goal's stop came before the start (on AWS: ExecutionDoesNotExist, ignored); start-journey's after.
    expect(direct.stopped).toEqual([arn, arn]);
  });

  it('a malformed message is refused by the schema (a failure kept for the dead-letter queue)', () => {
    expect(QueuedStart.safeParse({ journeyId: 'check-in', executionName: 'x' }).success).toBe(false);
  });
});
