import { ingestEvent } from '../../domain/ingest';
import { Journey } from '../../domain/journey/schema';
import type { CustomerStore } from '../../domain/ports';
import { sweep } from '../../domain/sweep';
import { noTurns } from '../../domain/sweep-turn';
import { lifecycleDeps } from '../support/lifecycle';

const dormancy = Journey.parse({
  id: 'we-miss-you',
  version: 1,
  description: 'd',
  entry: { stage: 'dormant' },
  steps: [{ id: 'x', type: 'exit' }],
});

const NOTHING_DUE = {
  ...noTurns(),
  recovery: { recovered: [], failed: [] },
  claimsInLease: 0,
};

async function population(n: number) {
  const deps = lifecycleDeps('2026-01-01T00:00:00Z', [dormancy]);
  const { store, starter, clock } = deps;
  for (let i = 0; i < n; i++) {
    await ingestEvent(
      {
        eventId: `e-${i}`,
        type: 'purchase',
        customerId: `c-${i}`,
        at: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`,
        amount: 10,
        currency: 'USD',
      },
      deps,
    );
  }
  return { store, starter, clock, deps };
}

describe('sweeper', () => {
  it('moves customers to dormant at their threshold and starts the journeys that begin there', async () => {
    const { clock, deps, store, starter } = await population(28);
    clock.set('2026-04-10T00:00:00Z'); // 90 days after 2026-01-10: customers c-0 … c-9 are due
    const result = await sweep(deps);
    expect(result).toEqual({
      visited: 10,
      notDue: 0,
      occasionsMissed: [],
      entriesHeld: [],
      stageChanges: 10,
      tierChanges: 0,
      journeysStarted: 10,
      parked: [],
      failed: [],
      recovery: { recovered: [], failed: [] },
      claimsInLease: 0,
    });
    const dormant = [...store.profiles.values()]
      .filter((p) => p.stage === 'dormant')
      .map((p) => p.customerId);
    expect(dormant.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `c-${i}`).sort());
    expect(store.profiles.get('c-0')?.stageHistory.at(-1)).toEqual({
      from: 'first-purchase',
      to: 'dormant',
      at: '2026-04-01T00:00:00.000Z',
      cause: { kind: 'timer' },
    });
    expect([...starter.started.values()].every((i) => i.trigger.eventId.startsWith('timer:dormant:'))).toBe(
      true,
    );
    // Announced on the bus too, once each, dated when the threshold was reached.
    const timerChanges = deps.publisher.published.filter((c) => c.cause.kind === 'timer');
    expect(timerChanges).toHaveLength(10);
    expect(timerChanges.find((c) => c.customerId === 'c-0')).toEqual({
      id: 'c-0:stage:dormant:2026-04-01T00:00:00.000Z',
      customerId: 'c-0',
      kind: 'stage',
      from: 'first-purchase',
      to: 'dormant',
      at: '2026-04-01T00:00:00.000Z',
      cause: { kind: 'timer' },
    });
  });

  it('a second sweep, or two overlapping ones, change nothing more', async () => {
    const { clock, deps, store, starter } = await population(28);
    clock.set('2026-04-10T00:00:00Z');
    const [a, b] = await Promise.all([sweep(deps), sweep(deps)]);
    expect(a.stageChanges + b.stageChanges).toBe(10);
    const snapshot = structuredClone([...store.profiles.values()]);
    expect(await sweep(deps)).toEqual(NOTHING_DUE);
    expect([...store.profiles.values()]).toEqual(snapshot);
    expect(starter.started.size).toBe(10);
  });

  it('reads only the customers that are due', async () => {
    const { clock, deps, store } = await population(28);
    const reads: string[] = [];
    const counting: CustomerStore = { ...store, getProfile: (id) => (reads.push(id), store.getProfile(id)) };
    clock.set('2026-03-01T00:00:00Z'); // nobody is due yet
    expect(await sweep({ ...deps, store: counting })).toEqual(NOTHING_DUE);
    expect(reads).toEqual([]);
  });
});

describe('time alone moves tiers and loyal, window by window', () => {
  async function buying(purchases: [string, number][]) {
    const deps = lifecycleDeps(purchases[0]![0]);
    const { store, clock } = deps;
    for (const [at, amount] of purchases) {
      clock.set(at);
      const event = { eventId: `p-${at}`, type: 'purchase' as const, customerId: 'c-1', at, amount };
      await ingestEvent({ ...event, currency: 'USD' }, deps);
    }
    return { store, clock, deps };
  }

  it('a VIP who stops buying drops out of vip when the window passes, by sweep alone', async () => {
    const { store, clock, deps } = await buying([
      ['2026-01-01T00:00:00Z', 2000],
      ['2026-03-01T00:00:00Z', 1500],
    ]);
    expect(store.profiles.get('c-1')?.tier).toBe('vip');
    clock.set('2026-06-01T00:00:00Z'); // dormant since 30 May; still $3,500 within the last year
    await sweep(deps);
    expect(store.profiles.get('c-1')).toMatchObject({ stage: 'dormant', tier: 'vip' });
    // The moment the $2,000 purchase leaves the window is the next due time.
    expect(store.profiles.get('c-1')?.dueAt).toBe('2027-01-01T00:00:00.000Z');

    clock.set('2027-01-02T00:00:00Z');
    expect(await sweep(deps)).toMatchObject({ visited: 1, tierChanges: 1 });
    const drop = { from: 'vip', to: 'regular', at: '2027-01-01T00:00:00.000Z', cause: { kind: 'timer' } };
    expect(store.profiles.get('c-1')?.tierHistory.at(-1)).toEqual(drop);
    expect(deps.publisher.published.filter((c) => c.kind === 'tier').at(-1)).toMatchObject(drop);
  });

  it('a loyal customer whose big purchase leaves the window becomes active, by sweep alone', async () => {
    const { store, clock, deps } = await buying([
      ['2026-01-01T00:00:00Z', 800],
      ['2026-03-15T00:00:00Z', 10],
      ['2026-06-01T00:00:00Z', 10],
      ['2026-08-15T00:00:00Z', 10],
      ['2026-11-01T00:00:00Z', 10],
    ]);
    expect(store.profiles.get('c-1')?.stage).toBe('loyal');
    clock.set('2027-01-02T00:00:00Z');
    await sweep(deps);
    expect(store.profiles.get('c-1')?.stageHistory.at(-1)).toEqual({
      from: 'loyal',
      to: 'active',
      at: '2027-01-01T00:00:00.000Z',
      cause: { kind: 'timer' },
    });
  });
});
