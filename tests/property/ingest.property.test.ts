import fc from 'fast-check';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { PurchaseEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { executionName } from '../../domain/journey/entry';
import { signLink, verifyLink } from '../../domain/messages/links';
import { WORKFLOWS_DIR } from '../support/paths';
import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';

const workflows = loadWorkflows(WORKFLOWS_DIR);
const journeys = workflows.journeys.map((j) => j.journey);

const purchaseArb = (customerIds: string[]) =>
  fc.record({
    eventId: fc.string({ minLength: 1, maxLength: 12 }),
    type: fc.constant('purchase' as const),
    customerId: fc.constantFrom(...customerIds),
    at: fc
      .date({
        min: new Date('2026-01-01T00:00:00Z'),
        max: new Date('2026-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString()),
    amount: fc.double({ min: 0, max: 1000, noNaN: true }),
    currency: fc.constantFrom('CNY', 'USD', 'JPY'),
  }) satisfies fc.Arbitrary<PurchaseEvent>;

/** Events with globally unique ids, then a delivery stream that repeats some of them and shuffles. */
const deliveriesArb = fc
  .uniqueArray(purchaseArb(['c-1', 'c-2', 'c-3']), {
    selector: (e) => `${e.customerId}/${e.eventId}`,
    minLength: 1,
    maxLength: 12,
  })
  .chain((events) =>
    fc
      .tuple(fc.constant(events), fc.array(fc.constantFrom(...events), { maxLength: 12 }))
      .chain(([unique, repeats]) =>
        fc.tuple(
          fc.constant(unique),
          fc.shuffledSubarray([...unique, ...repeats], { minLength: unique.length + repeats.length }),
        ),
      ),
  );

async function replay(events: readonly PurchaseEvent[], concurrent: boolean) {
  const store = memoryStore();
  const starter = memoryStarter();
  const deps = {
    store,
    starter,
    clock: fixedClock('2027-01-01T00:00:00Z'),
    lifecycle: workflows.lifecycle,
    calendar: workflows.calendar,
    publisher: memoryPublisher(),
    journeys,
  };
  if (concurrent) await Promise.all(events.map((e) => ingestEvent(e, deps)));
  else for (const e of events) await ingestEvent(e, deps);
  return { store, starter };
}

describe('ingest invariants (property)', () => {
  /** What must not depend on delivery: everything but bookkeeping (versions, history order, ids seen). */
  const view = (store: ReturnType<typeof memoryStore>) =>
    [...store.profiles.values()]
      .map((p) => ({
        id: p.customerId,
        stage: p.stage,
        count: p.purchaseCount,
        first: p.firstPurchase,
        small: p.firstPurchaseSmall,
        last: p.lastPurchaseAt,
        recent: p.recentPurchases,
        dueAt: p.dueAt,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));

  it('duplicated, reordered or concurrent deliveries give the same profiles as each event applied once in order', async () => {
    await fc.assert(
      fc.asyncProperty(deliveriesArb, fc.boolean(), async ([unique, deliveries], concurrent) => {
        const inOrder = [...unique].sort(
          (a, b) => a.at.localeCompare(b.at) || a.eventId.localeCompare(b.eventId),
        );
        const reference = await replay(inOrder, false);
        const { store, starter } = await replay(deliveries, concurrent);
        expect(view(store)).toEqual(view(reference.store));
        expect(store.events.size).toBe(unique.length);
        for (const customerId of new Set(unique.map((e) => e.customerId))) {
          const profile = store.profiles.get(customerId)!;
          expect(profile.purchaseCount).toBe(unique.filter((e) => e.customerId === customerId).length);
          expect(new Set(profile.recentEventIds).size).toBe(profile.recentEventIds.length);
          // A customer enters first-purchase at most once, so the journey starts at most once, ever.
          const started = [...starter.started.values()].filter(
            (i) => i.customerId === customerId && i.journeyId === 'first-small-purchase',
          );
          expect(started.length).toBeLessThanOrEqual(1);
          const history = profile.stageHistory.map((c) => c.at);
          expect([...history].sort()).toEqual(history);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('execution names (property)', () => {
  it('are valid Step Functions names and distinct for distinct causes', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 64 }),
        fc.string({ maxLength: 128 }),
        fc.string({ maxLength: 128 }),
        fc.string({ maxLength: 128 }),
        (j, c, e1, e2) => {
          const a = executionName(j, c, e1);
          expect(a).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
          expect(executionName(j, c, e1)).toBe(a);
          if (e1 !== e2) expect(executionName(j, c, e2)).not.toBe(a);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('signed links (property)', () => {
  it('any change to a token is refused', () => {
    fc.assert(
      fc.property(
        // Any id Rapport accepts for a customer: a link claiming anything else is refused as out of range.
        fc.stringMatching(/^[A-Za-z0-9._:@-]{1,40}$/),
        fc.nat(),
        fc.nat(),
        (customerId, at, position) => {
          const token = signLink({ customerId, purpose: 'unsubscribe', channel: 'email', iat: at }, 'secret');
          expect(verifyLink(token, 'secret')?.customerId).toBe(customerId);
          const i = position % token.length;
          const replacement = token[i] === 'A' ? 'B' : 'A';
          const tampered = `${token.slice(0, i)}${replacement}${token.slice(i + 1)}`;
          expect(verifyLink(tampered, 'secret')).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });
});
