import type { MiddlewareStack } from '@smithy/types';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { shardOf } from '../../adapters/dynamodb/due-shard';
import { DUE_INDEX } from '../../adapters/dynamodb/table';
import { DEFAULT_SCALE } from '../../domain/config/scale';
import { loadWorkflows } from '../../domain/config/load';
import { EVENT_LEASE_MS, fingerprintOf, newClaim } from '../../domain/event-claim';
import type { CustomerEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { newProfile } from '../../domain/lifecycle/apply';
import type { CustomerStore, DueWork, EventRecord, StaleClaim } from '../../domain/ports';
import type { Profile } from '../../domain/profile/profile';
import { recoverStaleClaims } from '../../domain/recover';
import { sweep } from '../../domain/sweep';
import { wiredSweepHandler } from '../support/sweep';
import { invokeLambda } from '../../local/lambda';
import { shippedLifecycleDeps } from '../support/lifecycle';
import { WORKFLOWS_DIR } from '../support/paths';
import { spiedObservability } from '../support/metrics';
import { PURCHASE, startDynalite, type LocalDynamo } from '../handlers/support';
import {
  dynaliteIndexWorld,
  idsInOneShard,
  memoryIndexWorld,
  type IndexWorld,
} from '../support/index-worlds';

/**
 * The due index holds both kinds of work a sweep does, in one place per customer (their shard): event
 * claims, which sort before every due time, then customers by due time. The sweep reads it once; the
 * local start-up pass reads only its claims.
 */
const NOW = '2026-06-01T00:00:00.000Z';
const LEGACY_FAR = '+010000-03-30T00:00:00.000Z';
const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);

let dynamo: LocalDynamo;
/** Due-index Query calls, and the index items they returned, per table. */
const dueReads = new Map<string, { queries: number; items: number }>();
beforeAll(async () => {
  dynamo = await startDynalite();
  (dynamo.client.middlewareStack as MiddlewareStack<object, object>).add(
    (next, context) => async (args) => {
      const out = await next(args);
      const input = args.input as { TableName?: string; IndexName?: string };
      if ((context as { commandName?: string }).commandName === 'QueryCommand' && input.IndexName) {
        const reads = dueReads.get(input.TableName ?? '') ?? { queries: 0, items: 0 };
        reads.queries++;
        reads.items += (out.output as { Count?: number }).Count ?? 0;
        dueReads.set(input.TableName ?? '', reads);
      }
      return out;
    },
    { step: 'initialize', name: 'countDueReads' },
  );
});
afterAll(() => dynamo?.stop());

type World = IndexWorld;
const memoryWorld = memoryIndexWorld;

const dynaliteWorld = async (): Promise<World & { reads(): { queries: number; items: number } }> => {
  const world = await dynaliteIndexWorld(dynamo);
  return {
    ...world,
    /** The due-index reads made since the last call. */
    reads: () => {
      const reads = dueReads.get(world.tableName) ?? { queries: 0, items: 0 };
      dueReads.delete(world.tableName);
      return reads;
    },
  };
};

/** `n` customer ids in one due shard, so that index order is one order. */
const oneShard = (n: number) => idsInOneShard(n, 'c-', 'c-0');

function purchase(customerId: string, at = '2026-01-01T00:00:00Z'): CustomerEvent {
  return {
    ...PURCHASE,
    customerId,
    at,
    customer: { ...PURCHASE.customer, email: `${customerId}@example.com` },
  } as unknown as CustomerEvent;
}

/** What a delivery that claimed a purchase `msAgo` and then died left: its claim, with the event. */
async function plantClaim(store: CustomerStore, customerId: string, msAgo: number) {
  const at = new Date(Date.parse(NOW) - msAgo);
  const event = purchase(customerId, at.toISOString());
  expect(await store.writeEvent(newClaim(event, fingerprintOf(event), at, `dead-${customerId}`))).toBe(true);
}

function profile(customerId: string, dueAt: string): Profile {
  return { ...newProfile(customerId, lifecycle, new Date(NOW)), dueAt };
}

async function listAll<T>(pages: AsyncIterable<T[]>, pageSize?: number): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) {
    if (pageSize !== undefined) expect(page.length).toBeLessThanOrEqual(pageSize);
    out.push(...page);
  }
  return out;
}

const byKey = (a: StaleClaim, b: StaleClaim) =>
  `${a.customerId}/${a.eventId}`.localeCompare(`${b.customerId}/${b.eventId}`);

/** Claims in a and b (b in its lease), customers due in c (earlier), a and a legacy e; d not yet due. */
async function mixedShard(world: World) {
  const [a, b, c, d, e] = oneShard(5) as [string, string, string, string, string];
  await world.store.putProfile({ ...profile(a, '2026-03-01T00:00:00.000Z'), version: 1 });
  await world.store.putProfile({ ...profile(c, '2026-02-01T00:00:00Z'), version: 1 });
  await world.store.putProfile({ ...profile(d, '2027-01-01T00:00:00.000Z'), version: 1 });
  await world.plant({ ...profile(e, LEGACY_FAR), version: 1 }, LEGACY_FAR);
  await plantClaim(world.store, a, EVENT_LEASE_MS * 3);
  await plantClaim(world.store, b, 1_000);
  return { a, b, c, d, e };
}

describe.each([
  ['the memory store', memoryWorld],
  ['dynalite, through the DynamoDB adapter', dynaliteWorld],
])('the due index on %s', (_name, makeWorld) => {
  it("lists a shard's claims first, in their lease or not, then its due customers in time order", async () => {
    const world = await makeWorld();
    const { a, b, c, e } = await mixedShard(world);

    const work = await listAll(world.store.listDueWork(NOW, 2), 2);

    const claims = work.slice(0, 2) as (DueWork & { kind: 'claim' })[];
    expect(claims.map((w) => w.kind)).toEqual(['claim', 'claim']);
    expect(claims.map(({ customerId, eventId }) => ({ customerId, eventId })).sort(byKey)).toEqual([
      { customerId: a, eventId: 'e-1' },
      { customerId: b, eventId: 'e-1' },
    ]);
    expect(work.slice(2)).toEqual([
      { kind: 'customer', customerId: e, dueAt: expect.any(String) },
      { kind: 'customer', customerId: c, dueAt: expect.any(String) },
      { kind: 'customer', customerId: a, dueAt: expect.any(String) },
    ]);
  });

  it('lists only the claims for the start-up pass, never a due customer', async () => {
    const world = await makeWorld();
    const { a, b } = await mixedShard(world);

    expect((await listAll(world.store.listClaims(1), 1)).sort(byKey)).toEqual([
      { customerId: a, eventId: 'e-1' },
      { customerId: b, eventId: 'e-1' },
    ]);
  });

  it('loses a claim when its event is marked done or its claim released', async () => {
    const world = await makeWorld();
    const [done, released] = oneShard(2) as [string, string];
    await plantClaim(world.store, done, 0);
    await plantClaim(world.store, released, 0);
    const record: EventRecord = {
      customerId: done,
      eventId: 'e-1',
      type: 'purchase',
      at: '2026-01-01T00:00:00.000Z',
      state: 'done',
      receivedAt: NOW,
      stageChanges: [],
      tierChanges: [],
      conversions: [],
      executions: [],
    };
    expect(await world.store.writeEvent(record, `dead-${done}`)).toBe(true);
    await world.store.releaseEvent(released, 'e-1', `dead-${released}`);

    expect(await listAll(world.store.listClaims(10))).toEqual([]);
    expect(await listAll(world.store.listDueWork(NOW, 10))).toEqual([]);
  });

  it('lets one sweep finish a dead delivery, leave a live one alone (not a failure) and move due customers', async () => {
    const world = await makeWorld();
    const { deps, clock, starter } = shippedLifecycleDeps(world.store, '2026-01-01T00:00:00Z');
    await ingestEvent(purchase('c-due'), deps);
    clock.set(NOW);
    await plantClaim(world.store, 'c-dead', EVENT_LEASE_MS);
    await plantClaim(world.store, 'c-live', EVENT_LEASE_MS - 1);

    const result = await sweep(deps);

    expect(result).toMatchObject({
      visited: 1,
      stageChanges: 1,
      failed: [],
      recovery: { recovered: [{ customerId: 'c-dead', eventId: 'e-1' }], failed: [] },
      claimsInLease: 1,
    });
    expect(await world.store.getEvent('c-dead', 'e-1')).toMatchObject({ state: 'done' });
    expect(await world.store.getEvent('c-live', 'e-1')).toMatchObject({ state: 'claimed' });
    expect([...starter.started.keys()].filter((name) => name.includes('c-dead'))).toHaveLength(1);
    expect((await world.store.getProfile('c-due'))?.stage).toBe('dormant');

    // The live one's delivery never came back: the next sweep after its lease finishes it.
    clock.advance(1);
    expect(await sweep(deps)).toMatchObject({
      visited: 0,
      recovery: { recovered: [{ customerId: 'c-live', eventId: 'e-1' }], failed: [] },
      claimsInLease: 0,
    });
  });
});

describe('reads of the DynamoDB due index', () => {
  it('the start-up listing reads the claims alone, not the due customers of their shards', async () => {
    const world = await dynaliteWorld();
    await mixedShard(world);
    world.reads();

    expect(await listAll(world.store.listClaims(10))).toHaveLength(2);
    expect(world.reads().items).toBe(2);
  });

  it('a sweep queries each due shard once, for dead deliveries and due customers alike', async () => {
    const table = await dynamo.freshTable();
    const { deps, clock } = shippedLifecycleDeps(table.store, '2026-01-01T00:00:00Z');
    for (const id of ['c-1', 'c-2', 'c-3']) await ingestEvent(purchase(id), deps);
    clock.set(NOW);
    await plantClaim(table.store, 'c-dead', EVENT_LEASE_MS);
    dueReads.delete(table.name);
    const { logger, metrics, published } = spiedObservability();

    await invokeLambda('rapport-sweep', wiredSweepHandler({ ...deps, logger, metrics }), {});

    expect(published).toMatchObject({ EventsRecovered: 1, CustomersSwept: 3 });
    expect(dueReads.get(table.name)?.queries).toBe(DEFAULT_SCALE.dueShards);
  });

  it('raising the number of due shards keeps customers indexed under fewer readable, until their next write moves them', async () => {
    const table = await dynamo.freshTable();
    const sixteen = createCustomerStore(dynamo.client, table.name, { dueShards: 16 });
    const sixtyFour = createCustomerStore(dynamo.client, table.name, { dueShards: 64 });
    // An id whose shard differs between the two counts.
    const id = Array.from({ length: 50 }, (_, i) => `c-${i}`).find((c) => shardOf(c, 16) !== shardOf(c, 64))!;
    const { deps, clock } = shippedLifecycleDeps(sixteen, '2026-01-01T00:00:00Z');
    await ingestEvent(purchase(id), deps);
    const shardNow = async () =>
      (await table.scan()).find((item) => item.pk === `CUSTOMER#${id}` && item.sk === 'PROFILE')?.dueShard;
    expect(await shardNow()).toBe(`DUE#${shardOf(id, 16)}`);

    clock.set(NOW);
    const result = await sweep({ ...deps, store: sixtyFour });

    expect(result).toMatchObject({ visited: 1, stageChanges: 1 });
    expect(await shardNow()).toBe(`DUE#${shardOf(id, 64)}`);
  });

  it('the start-up pass finishes a claim the earlier layout kept in a CLAIM#n shard', async () => {
    const table = await dynamo.freshTable();
    const { deps, starter } = shippedLifecycleDeps(table.store, NOW);
    const event = purchase('c-old');
    const claim = newClaim(event, fingerprintOf(event), new Date(NOW), 'killed-before-the-upgrade');
    await DynamoDBDocumentClient.from(dynamo.client).send(
      new PutCommand({
        TableName: table.name,
        Item: {
          pk: 'CUSTOMER#c-old',
          sk: 'EVENT#e-1',
          ...claim,
          [DUE_INDEX.partitionKey]: 'CLAIM#5',
          [DUE_INDEX.sortKey]: claim.leaseUntil,
        },
      }),
    );

    const result = await recoverStaleClaims(deps, { everyClaim: true });

    expect(result).toEqual({ recovered: [{ customerId: 'c-old', eventId: 'e-1' }], failed: [] });
    expect([...starter.started.keys()]).toEqual([expect.stringContaining('c-old')]);
    expect(await table.store.getEvent('c-old', 'e-1')).toMatchObject({ state: 'done' });
    expect(await listAll(table.store.listClaims(10))).toEqual([]);
  });
});
