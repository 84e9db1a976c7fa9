import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { dueIndexValue } from '../../domain/due';
import { ingestEvent } from '../../domain/ingest';
import { newProfile } from '../../domain/lifecycle/apply';
import type { CustomerStore, LifecycleDeps } from '../../domain/ports';
import type { Profile } from '../../domain/profile/profile';
import { sweep } from '../../domain/sweep';
import { startDynalite, type LocalDynamo } from '../handlers/support';
import {
  dynaliteIndexWorld,
  idsInOneShard,
  memoryIndexWorld,
  type IndexWorld,
} from '../support/index-worlds';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle, calendar } = loadWorkflows(WORKFLOWS_DIR);
const FAR = '+010000-03-30T00:00:00.000Z';
const DUE_CUSTOMER = 'c-due';

/** A profile as an old Rapport stored it after a purchase on 9999-12-31: due at a date no index orders. */
function legacyProfile(customerId: string): Profile {
  return {
    ...newProfile(customerId, lifecycle, new Date('2025-12-01T00:00:00Z')),
    stage: 'first-purchase',
    purchaseCount: 1,
    lastPurchaseAt: '9999-12-31T00:00:00.000Z',
    recentPurchases: [{ eventId: 'x', at: '9999-12-31T00:00:00.000Z', amount: 1, currency: 'USD' }],
    dueAt: FAR,
    version: 1,
  };
}

/** Customer ids that land in the same due shard as `DUE_CUSTOMER`. */
const sameShardIds = (n: number) => idsInOneShard(n, 'far-', DUE_CUSTOMER);

type World = IndexWorld;
const memoryWorld = memoryIndexWorld;

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());

const dynaliteWorld = (): Promise<World> => dynaliteIndexWorld(dynamo);

function depsFor(store: CustomerStore) {
  return {
    store,
    starter: memoryStarter(),
    clock: fixedClock('2026-01-01T00:00:00Z'),
    lifecycle,
    calendar,
    journeys: [],
    publisher: memoryPublisher(),
  } satisfies LifecycleDeps;
}

describe.each([
  ['the memory store', memoryWorld],
  ['dynalite, through the DynamoDB adapter', dynaliteWorld],
])('the sweep on %s', (_name, makeWorld) => {
  it('moves a due customer on time although 100 far-future customers sit in front of them in their due shard', async () => {
    const world = await makeWorld();
    const deps = depsFor(world.store);
    const far = sameShardIds(100);
    for (const id of far) await world.plant(legacyProfile(id), FAR);
    await ingestEvent(
      {
        eventId: 'p-1',
        type: 'purchase',
        customerId: DUE_CUSTOMER,
        at: '2026-01-01T00:00:00Z',
        amount: 10,
        currency: 'USD',
      },
      deps,
    );
    deps.clock.set('2026-04-10T00:00:00Z');

    const result = await sweep(deps);

    expect((await world.store.getProfile(DUE_CUSTOMER))?.stage).toBe('dormant');
    expect(result).toMatchObject({ visited: 101, stageChanges: 1, failed: [] });
    expect(result.parked).toHaveLength(100);
    expect(result.parked[0]).toEqual({
      customerId: expect.stringMatching(/^far-/),
      at: '2026-04-10T00:00:00.000Z',
      reason: 'due-out-of-range',
      recorded: true,
    });
    // Each is recorded on the profile and out of the index: the next sweep does not read them again.
    const parked = await world.store.getProfile(far[0]!);
    expect(parked?.parked).toEqual({ at: '2026-04-10T00:00:00.000Z', reason: 'due-out-of-range' });
    expect(parked?.dueAt).toBeUndefined();
    expect(await sweep(deps)).toMatchObject({ visited: 0, parked: [] });
  });

  it('parks a customer whose stored data it cannot work on and goes on with the rest', async () => {
    const world = await makeWorld();
    const deps = depsFor(world.store);
    await ingestEvent(
      {
        eventId: 'p-1',
        type: 'purchase',
        customerId: DUE_CUSTOMER,
        at: '2026-01-05T00:00:00Z',
        amount: 10,
        currency: 'USD',
      },
      deps,
    );
    // Due first in the index, with history that is not a list (hand-edited, or written by an old version).
    const broken = { ...legacyProfile('broken'), stageHistory: 'oops' } as unknown as Profile;
    await world.plant(broken, '2026-01-02T00:00:00.000Z');
    deps.clock.set('2026-04-10T00:00:00Z');

    const result = await sweep(deps);

    expect((await world.store.getProfile(DUE_CUSTOMER))?.stage).toBe('dormant');
    expect(result.parked).toEqual([
      {
        customerId: 'broken',
        at: '2026-04-10T00:00:00.000Z',
        reason: 'invalid-profile',
        error: 'InvalidStoredProfileError',
        recorded: true,
      },
    ]);
    expect((await world.store.getProfile('broken'))?.dueAt).toBeUndefined();
  });

  it('writes only due times that sort as time does into the index', async () => {
    const world = await makeWorld();
    const deps = depsFor(world.store);
    // A due time in another ISO spelling is indexed in the fixed-width form, so it is found when due.
    const profile = {
      ...legacyProfile('odd'),
      lastPurchaseAt: '2025-10-01T00:00:00.000Z',
      recentPurchases: [],
    };
    await world.store.putProfile({ ...profile, dueAt: '2025-12-30T00:00:00Z', version: 1 });
    await world.store.putProfile({ ...legacyProfile('far'), version: 1 });
    deps.clock.set('2026-01-01T00:00:00Z');
    const due: string[] = [];
    for await (const page of world.store.listDueWork('2026-01-01T00:00:00.000Z', 10))
      due.push(...page.map((work) => work.customerId));
    expect(due).toEqual(['odd']);
  });
});

describe('due index values', () => {
  it('are fixed-width 4-digit-year instants, or nothing', () => {
    expect(dueIndexValue('2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(dueIndexValue('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
    expect(dueIndexValue(FAR)).toBeUndefined();
    expect(dueIndexValue('-000001-01-01T00:00:00.000Z')).toBeUndefined();
    expect(dueIndexValue('not a date')).toBeUndefined();
  });

  it('are never set from a purchase at the end of time: that moment cannot come', async () => {
    const store = memoryStore();
    const deps = depsFor(store);
    await ingestEvent(
      {
        eventId: 'p-1',
        type: 'purchase',
        customerId: 'c-end',
        at: '9999-12-31T00:00:00Z',
        amount: 1,
        currency: 'USD',
      },
      deps,
    );
    expect(store.profiles.get('c-end')?.dueAt).toBeUndefined();
    expect(store.due.size).toBe(0);
  });
});

describe('a parked customer', () => {
  it('is scheduled again, the parking record cleared, by their next event', async () => {
    const store = memoryStore();
    const deps = depsFor(store);
    const damaged = {
      ...legacyProfile('c-1'),
      lastPurchaseAt: '2025-12-01T00:00:00.000Z',
      recentPurchases: [],
    };
    store.profiles.set('c-1', damaged);
    store.due.set('c-1', FAR);
    expect((await sweep(deps)).parked).toHaveLength(1);
    expect(store.profiles.get('c-1')?.parked).toBeDefined();
    await ingestEvent(
      {
        eventId: 'p-2',
        type: 'purchase',
        customerId: 'c-1',
        at: '2026-01-01T00:00:00Z',
        amount: 10,
        currency: 'USD',
      },
      deps,
    );
    expect(store.profiles.get('c-1')).toMatchObject({ dueAt: '2026-04-01T00:00:00.000Z' });
    expect(store.profiles.get('c-1')?.parked).toBeUndefined();
    expect(store.due.get('c-1')).toBe('2026-04-01T00:00:00.000Z');
  });
});
