import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { CustomerEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { enterJourneys, planConversions } from '../../domain/journey/enter';
import { Journey } from '../../domain/journey/schema';
import { sweep } from '../../domain/sweep';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle, calendar } = loadWorkflows(WORKFLOWS_DIR);
const steps = [{ id: 'pause', type: 'wait', duration: '1d' }];

function world(journeys: Journey[]) {
  const store = memoryStore();
  const starter = memoryStarter();
  const clock = fixedClock('2026-01-01T00:00:00Z');
  const deps = { store, starter, clock, lifecycle, calendar, journeys, publisher: memoryPublisher() };
  const buy = (day: number, id = `e-${day}`) => {
    const at = new Date(Date.parse('2026-01-01T00:00:00Z') + day * 86_400_000).toISOString();
    clock.set(at);
    const event: CustomerEvent = {
      eventId: id,
      type: 'purchase',
      customerId: 'c-1',
      at,
      amount: 50,
      currency: 'USD',
    };
    return ingestEvent(event, deps);
  };
  return { store, starter, clock, deps, buy };
}

describe('re-entry rules', () => {
  const checkIn = (reEntry: unknown) =>
    Journey.parse({
      id: 'check-in',
      version: 1,
      description: 'd',
      entry: { event: 'purchase' },
      steps,
      reEntry,
    });

  it('once (the default): a customer enters a journey one time only', async () => {
    const { buy, store } = world([checkIn(undefined)]);
    expect((await buy(0)).journeysStarted).toHaveLength(1);
    expect((await buy(40)).journeysStarted).toEqual([]);
    expect(await store.listJourneyEntries('c-1', 'check-in')).toHaveLength(1);
  });

  it('every 30d: again only once 30 days have passed since the last entry', async () => {
    const { buy } = world([checkIn({ every: '30d' })]);
    expect((await buy(0)).journeysStarted).toHaveLength(1);
    expect((await buy(10)).journeysStarted).toEqual([]);
    expect((await buy(29)).journeysStarted).toEqual([]);
    expect((await buy(30)).journeysStarted).toHaveLength(1);
  });

  it('every 1y: again on the same day next year, 366 days on across 29 February (365d would be a day early)', async () => {
    const { buy } = world([checkIn({ every: '1y' })]);
    expect((await buy(424)).journeysStarted).toHaveLength(1); // 2027-03-01
    expect((await buy(789)).journeysStarted).toEqual([]); // 2028-02-29: 365 days on
    expect((await buy(790)).journeysStarted).toHaveLength(1); // 2028-03-01
  });

  it('always: every time', async () => {
    const { buy } = world([checkIn('always')]);
    for (const day of [0, 1, 2]) expect((await buy(day)).journeysStarted).toHaveLength(1);
  });

  it('once: two starts of one journey in one turn (a sweep crossing two causes) enter it one time', async () => {
    const journey = checkIn('once');
    const { buy, store, starter, deps } = world([{ ...journey, entry: { event: 'feedback' as const } }]);
    await buy(0);
    const profile = (await store.getProfile('c-1'))!;
    const start = (cause: string) => ({
      journeyId: journey.id,
      executionName: `check-in-${cause}`,
      input: {
        customerId: 'c-1',
        journeyId: journey.id,
        journeyVersion: journey.version,
        trigger: { eventId: cause, eventType: 'timer', at: '2026-01-01T00:00:00.000Z' },
      },
    });
    const now = new Date('2026-01-01T00:00:00Z');
    const { entered, skipped } = await enterJourneys([start('a'), start('b')], profile, { ...deps, now });
    expect(entered.map((e) => e.executionName)).toEqual(['check-in-a']);
    expect(skipped).toEqual([{ journeyId: 'check-in', reason: 'already-entered' }]);
    expect(await store.listJourneyEntries('c-1', 'check-in')).toHaveLength(1);
    expect(starter.started.size).toBe(1);
  });

  it('a redelivered event that entered a journey does not count against itself', async () => {
    const { buy, starter } = world([checkIn('once')]);
    await buy(0, 'same');
    expect((await buy(0, 'same')).status).toBe('duplicate');
    expect(starter.started.size).toBe(1);
  });
});

describe('goals', () => {
  const winBack = Journey.parse({
    id: 'win-back',
    version: 1,
    description: 'd',
    entry: { stage: 'dormant' },
    steps,
    goal: { event: 'purchase', within: '30d' },
    reEntry: 'always',
  });

  it('a purchase within the window ends the journey for the customer and counts as a conversion', async () => {
    const { buy, clock, deps, starter, store } = world([winBack]);
    await buy(0);
    clock.set('2026-04-05T00:00:00Z'); // 94 days later: dormant since 2026-04-01
    expect(await sweep(deps)).toMatchObject({ stageChanges: 1, journeysStarted: 1 });
    const [entry] = await store.listJourneyEntries('c-1', 'win-back');
    const result = await buy(100);
    expect(result).toMatchObject({ stage: 'reactivated', conversions: ['win-back'] });
    expect(starter.stopped).toEqual([entry!.executionArn]);
    expect((await store.listJourneyEntries('c-1', 'win-back'))[0]?.converted).toEqual({
      eventId: 'e-100',
      at: expect.any(String),
      attributed: true,
    });
    // A second purchase converts nothing more.
    expect((await buy(101)).conversions).toEqual([]);
  });

  it('a purchase after the window is not a conversion', async () => {
    const { buy, clock, deps } = world([winBack]);
    await buy(0);
    clock.set('2026-04-05T00:00:00Z');
    await sweep(deps);
    expect((await buy(140)).conversions).toEqual([]);
  });
});

describe("conditions on the entry event's properties", () => {
  const bigSpend = (branch: boolean) =>
    Journey.parse({
      id: 'big-spend',
      version: 1,
      description: 'd',
      entry: { event: 'purchase', where: { event: { amount: { gte: 100 }, currency: 'USD' } } },
      steps: branch
        ? [
            ...steps,
            {
              id: 'big',
              type: 'branch',
              paths: [{ name: 'huge', when: { event: { amount: { gte: 1000 } } }, next: 'end' }],
              default: 'end',
            },
            { id: 'end', type: 'exit' },
          ]
        : steps,
      reEntry: 'always',
    });
  const purchase = (amount: number, currency = 'USD'): CustomerEvent => ({
    eventId: `e-${amount}-${currency}`,
    type: 'purchase',
    customerId: 'c-1',
    at: '2026-01-01T00:00:00Z',
    amount,
    currency,
    orderId: 'o-1',
  });

  it("entry.where tests a built-in event's own fields; the execution carries them only when a branch reads them", async () => {
    const { deps, starter } = world([bigSpend(true)]);
    expect((await ingestEvent(purchase(99), deps)).journeysStarted).toEqual([]);
    expect((await ingestEvent(purchase(150, 'EUR'), deps)).journeysStarted).toEqual([]);
    const [name] = (await ingestEvent(purchase(150), deps)).journeysStarted;
    expect(starter.started.get(name!)?.event).toEqual({ amount: 150, currency: 'USD', orderId: 'o-1' });

    const plain = world([bigSpend(false)]);
    const [other] = (await ingestEvent(purchase(150), plain.deps)).journeysStarted;
    expect(other).toBeDefined();
    expect(plain.starter.started.get(other!)).not.toHaveProperty('event');
  });
});

describe('a goal within a calendar year (1y)', () => {
  const yearLong = Journey.parse({
    id: 'win-back',
    version: 1,
    description: 'd',
    entry: { stage: 'dormant' },
    steps,
    goal: { event: 'purchase', within: '1y' },
  });
  const entry = {
    customerId: 'c-1',
    journeyId: 'win-back',
    journeyVersion: 1,
    executionName: 'x',
    executionArn: 'arn:test:execution:x',
    enteredAt: '2027-03-01T10:00:00.000Z',
    trigger: { eventId: 't', eventType: 'timer', at: '2027-03-01T10:00:00.000Z' },
  };
  const converts = async (at: string) => {
    const event: CustomerEvent = {
      eventId: at,
      type: 'purchase',
      customerId: 'c-1',
      at,
      amount: 5,
      currency: 'USD',
    };
    const entries = { of: async () => [entry], add: () => undefined };
    return (await planConversions(event, { journeys: [yearLong], entries })).length === 1;
  };

  it('converts up to the same date and time a year on: 366 days across 29 February (365d would end a day early)', async () => {
    expect(await converts('2028-02-29T12:00:00Z')).toBe(true);
    expect(await converts('2028-03-01T10:00:00Z')).toBe(true);
    expect(await converts('2028-03-01T10:00:01Z')).toBe(false);
  });
});
