import { memoryPublisher, memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import type { CustomerEvent } from '../../domain/events/schema';
import { ingestEvent } from '../../domain/ingest';
import { nextOccasion, occasionOffsetMs, spreadOverSweeps } from '../../domain/journey/occasions';
import { localParts } from '../../domain/time/zoned';
import { Journey } from '../../domain/journey/schema';
import { newProfile } from '../../domain/lifecycle/apply';
import type { CustomerStore } from '../../domain/ports';
import { sweep } from '../../domain/sweep';
import { WORKFLOWS_DIR } from '../support/paths';
import { Settings } from '../../domain/config/settings';
import { zodProblems } from '../../domain/config/problems';
import { CALENDAR_DAY } from '../../domain/time/utc-year';

const shipped = loadWorkflows(WORKFLOWS_DIR);
const { lifecycle } = shipped;
/** The shipped calendar without the morning spread: each occasion at its journey's timeOfDay exactly. */
const calendar = { ...shipped.calendar, occasionSpreadMs: 0 };
const greeting = (id: string, date: unknown, where?: unknown) =>
  Journey.parse({
    id,
    version: 1,
    description: 'd',
    entry: { date, ...(where ? { where } : {}) },
    reEntry: 'always',
    steps: [{ id: 'greet', type: 'send', channel: 'email', template: id, topic: 'offers' }],
  });
const birthday = greeting('birthday', { anniversary: 'birthday' });
const festival = greeting('festival', { holiday: ['spring-festival', 'mid-autumn'] });

function world(journeys: Journey[], start = '2026-01-01T00:00:00Z') {
  const store = memoryStore();
  const starter = memoryStarter();
  const clock = fixedClock(start);
  const deps = { store, starter, clock, lifecycle, calendar, journeys, publisher: memoryPublisher() };
  const profileEvent = (customer: CustomerEvent['customer'], id = 'c-1', eventId = `p-${id}`) =>
    ingestEvent({ eventId, type: 'profile', customerId: id, at: clock.now().toISOString(), customer }, deps);
  /** Sweeps once a day at `timeOfDay` UTC from now up to `until`, as a scheduler would. */
  const sweepDaily = async (until: string, timeOfDay = '01:00') => {
    let t = Date.parse(`${clock.now().toISOString().slice(0, 10)}T${timeOfDay}:00Z`);
    if (t < clock.now().getTime()) t += 86_400_000;
    for (; t <= Date.parse(until); t += 86_400_000) {
      clock.set(new Date(t).toISOString());
      await sweep(deps);
    }
  };
  const starts = () =>
    [...starter.started.values()].map((i) => `${i.journeyId} ${i.trigger.occasion} ${i.trigger.at}`).sort();
  return { store, starter, clock, deps, profileEvent, sweepDaily, starts };
}

describe('when the next occasion is', () => {
  const profile = (patch: object) => ({
    ...newProfile('c-1', lifecycle, new Date('2026-01-01T00:00:00Z')),
    ...patch,
  });

  it("is 09:00 on the birthday in the customer's own time zone, across DST", () => {
    const ny = profile({ timeZone: 'America/New_York', attributes: { birthday: '1985-07-04' } });
    // 09:00 EDT (UTC-4) in July.
    expect(nextOccasion([birthday], ny, calendar, new Date('2026-01-01T00:00:00Z'))).toEqual(
      new Date('2026-07-04T13:00:00Z'),
    );
    const winter = profile({ timeZone: 'America/New_York', attributes: { birthday: '12-24' } });
    // 09:00 EST (UTC-5) in December.
    expect(nextOccasion([birthday], winter, calendar, new Date('2026-01-01T00:00:00Z'))).toEqual(
      new Date('2026-12-24T14:00:00Z'),
    );
  });

  it("uses settings' default time zone when the customer's is unknown, and next year once this year's has passed", () => {
    const shanghai = profile({ attributes: { birthday: '1990-03-10' } });
    expect(nextOccasion([birthday], shanghai, calendar, new Date('2026-03-10T01:00:00Z'))).toEqual(
      new Date('2027-03-10T01:00:00Z'),
    );
    expect(nextOccasion([birthday], shanghai, calendar, new Date('2026-03-10T00:59:00Z'))).toEqual(
      new Date('2026-03-10T01:00:00Z'),
    );
  });

  it('greets a 29 February birthday on 28 February in other years', () => {
    const leap = profile({ attributes: { birthday: '2000-02-29' } });
    expect(nextOccasion([birthday], leap, calendar, new Date('2026-01-01T00:00:00Z'))).toEqual(
      new Date('2026-02-28T01:00:00Z'),
    );
  });

  it('is the first of several holidays, from the calendar in settings.yaml', () => {
    const p = profile({});
    expect(nextOccasion([festival], p, calendar, new Date('2026-03-01T00:00:00Z'))).toEqual(
      new Date('2026-09-25T01:00:00Z'),
    );
    expect(nextOccasion([festival], p, calendar, new Date('2026-09-26T00:00:00Z'))).toEqual(
      new Date('2027-02-06T01:00:00Z'),
    );
  });

  it('is none without a birthday on file, or with one that is not a date', () => {
    expect(nextOccasion([birthday], profile({}), calendar, new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(
      nextOccasion(
        [birthday],
        profile({ attributes: { birthday: 'soon' } }),
        calendar,
        new Date('2026-01-01T00:00:00Z'),
      ),
    ).toBeUndefined();
  });

  it('is none for a birthday no calendar has (month or day 00, 30 February, 31 April), never an error', () => {
    for (const date of ['1990-00-15', '1990-05-00', '13-01', '02-30', '1990-04-31'])
      expect(
        nextOccasion(
          [birthday],
          profile({ attributes: { birthday: date } }),
          calendar,
          new Date('2026-01-01T00:00:00Z'),
        ),
      ).toBeUndefined();
  });
});

describe('date-triggered journeys', () => {
  it('start on the birthday and on each holiday, every year, each exactly once', async () => {
    const w = world([birthday, festival]);
    await w.profileEvent({ email: 'a@example.com', attributes: { birthday: '1990-05-15' } });
    await w.sweepDaily('2027-12-31T23:00:00Z');
    expect(w.starts()).toEqual([
      'birthday birthday 2026-05-15T01:00:00.000Z',
      'birthday birthday 2027-05-15T01:00:00.000Z',
      'festival spring-festival+mid-autumn 2026-02-17T01:00:00.000Z',
      'festival spring-festival+mid-autumn 2026-09-25T01:00:00.000Z',
      'festival spring-festival+mid-autumn 2027-02-06T01:00:00.000Z',
      'festival spring-festival+mid-autumn 2027-09-15T01:00:00.000Z',
    ]);
  });

  it('ingest a customer whose birthday no calendar has: the event is applied, and no greeting is scheduled', async () => {
    const w = world([birthday]);
    await w.profileEvent({ email: 'a@example.com', attributes: { birthday: '1990-00-15' } });
    expect(w.store.profiles.get('c-1')?.attributes).toEqual({ birthday: '1990-00-15' });
    expect(w.store.profiles.get('c-1')?.dueAt).toBeUndefined();
  });

  it('keep the customer in the due index at the next occasion, found by ingest as soon as the birthday is known', async () => {
    const w = world([birthday]);
    await w.profileEvent({ email: 'a@example.com' });
    expect(w.store.profiles.get('c-1')?.dueAt).toBeUndefined();
    await w.profileEvent({ attributes: { birthday: '02-03' } }, 'c-1', 'p-2');
    expect(w.store.profiles.get('c-1')?.dueAt).toBe('2026-02-03T01:00:00.000Z');
  });

  it('start only for customers whom `where` holds for on the day', async () => {
    const w = world([greeting('birthday', { anniversary: 'birthday' }, { stage: ['active', 'loyal'] })]);
    await w.profileEvent({ attributes: { birthday: '03-01' } }, 'prospect');
    await w.profileEvent({ attributes: { birthday: '03-01' } }, 'buyer');
    for (const [i, day] of ['01-05', '02-05'].entries())
      await ingestEvent(
        {
          eventId: `buy-${i}`,
          type: 'purchase',
          customerId: 'buyer',
          at: `2026-${day}T00:00:00Z`,
          amount: 50,
          currency: 'USD',
        },
        w.deps,
      );
    await w.sweepDaily('2026-03-02T00:00:00Z');
    expect([...w.starter.started.values()].map((i) => i.customerId)).toEqual(['buyer']);
  });

  it('cost no sweep for customers outside the stages a journey is for', async () => {
    const w = world([greeting('festival', { holiday: 'mid-autumn' }, { stage: 'loyal' })]);
    await w.profileEvent({ email: 'a@example.com' });
    // A prospect, with nothing else due: not in the due index at all.
    expect(w.store.profiles.get('c-1')?.dueAt).toBeUndefined();
  });

  it('are not started twice by a repeated, overlapping or crashed sweep', async () => {
    const w = world([birthday]);
    await w.profileEvent({ attributes: { birthday: '01-10' } });
    w.clock.set('2026-01-10T01:30:00Z');
    // The first sweep starts the journey, then dies before it can store the profile.
    let failOnce = true;
    const crashing: CustomerStore = {
      ...w.store,
      putProfile: async (p) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('crash');
        }
        return w.store.putProfile(p);
      },
    };
    // The failure is this customer's alone: the sweep reports it and leaves them due.
    expect((await sweep({ ...w.deps, store: crashing })).failed).toEqual([
      { customerId: 'c-1', error: 'Error' },
    ]);
    expect(w.starter.started.size).toBe(1);
    await Promise.all([sweep(w.deps), sweep(w.deps)]);
    await sweep(w.deps);
    expect(w.starts()).toEqual(['birthday birthday 2026-01-10T01:00:00.000Z']);
    expect(w.store.profiles.get('c-1')?.dueAt).toBe('2027-01-10T01:00:00.000Z');
  });

  it('start a little late after a delayed sweep, but never a day late', async () => {
    const w = world([birthday]);
    await w.profileEvent({ attributes: { birthday: '01-10' } }, 'late');
    await w.profileEvent({ attributes: { birthday: '01-08' } }, 'stale');
    w.clock.set('2026-01-10T20:00:00Z');
    const result = await sweep(w.deps);
    expect(w.starts()).toEqual(['birthday birthday 2026-01-10T01:00:00.000Z']);
    // Never in silence: the greeting that will not go out is counted, by journey, customer and moment.
    expect(result.occasionsMissed).toEqual([
      { journeyId: 'birthday', customerId: 'stale', at: '2026-01-08T01:00:00.000Z' },
    ]);
    // The stale one is not left due: its next birthday is next year.
    expect(w.store.profiles.get('stale')?.dueAt).toBe('2027-01-08T01:00:00.000Z');
  });

  it('do not greet a new customer for a birthday that passed before they were known', async () => {
    const w = world([birthday], '2026-01-10T05:00:00Z');
    await w.profileEvent({ attributes: { birthday: '01-10' } });
    await w.sweepDaily('2026-01-11T05:00:00Z');
    expect(w.starts()).toEqual([]);
  });
});

describe('the next occasion, worked out once and kept', () => {
  const profile = (timeZone: string, birthday: string) => ({
    ...newProfile('c-1', lifecycle, new Date('2026-01-01T00:00:00Z')),
    timeZone,
    attributes: { birthday },
  });
  // Copies are new keys: nothing kept for the originals is found for them, so they are worked out afresh.
  const fresh = (p: ReturnType<typeof profile>, j: Journey[], after: Date) =>
    nextOccasion(structuredClone(j), p, structuredClone(calendar), after);
  const hours = (from: string, to: string, step: number) => {
    const out: Date[] = [];
    for (let t = Date.parse(from); t <= Date.parse(to); t += step * 3_600_000) out.push(new Date(t));
    return out;
  };
  const early = greeting('early', { anniversary: 'birthday', timeOfDay: '01:30' });
  const christmas = greeting('christmas', { holiday: 'christmas', timeOfDay: '23:30' });

  it('is the same as worked out afresh, across the new year in zones that reach it hours apart', () => {
    const zones = [
      'Pacific/Kiritimati',
      'Asia/Tokyo',
      'Europe/London',
      'America/New_York',
      'Pacific/Pago_Pago',
    ];
    for (const after of hours('2026-12-29T00:00:00Z', '2027-01-03T00:00:00Z', 5))
      for (const zone of zones)
        for (const date of ['01-01', '12-31', '1990-12-31'])
          expect([
            zone,
            date,
            after,
            nextOccasion([birthday, christmas], profile(zone, date), calendar, after),
          ]).toEqual([zone, date, after, fresh(profile(zone, date), [birthday, christmas], after)]);
  });

  it('is the same as worked out afresh around a DST change, a time the change skips moving on by the gap', () => {
    const london = profile('Europe/London', '03-29');
    for (const after of hours('2026-03-27T00:00:00Z', '2026-03-30T00:00:00Z', 1))
      expect(nextOccasion([early], london, calendar, after)).toEqual(fresh(london, [early], after));
    // 01:30 on 29 March 2026 does not exist in London: it is 02:30 BST, 01:30 UTC.
    expect(nextOccasion([early], london, calendar, new Date('2026-03-28T12:00:00Z'))).toEqual(
      new Date('2026-03-29T01:30:00Z'),
    );
    expect(nextOccasion([early], london, calendar, new Date('2026-03-29T01:30:00Z'))).toEqual(
      new Date('2027-03-29T00:30:00Z'),
    );
  });

  it("keeps one customer's moments apart from another's with a different zone or date", () => {
    const after = new Date('2026-12-31T20:00:00Z');
    // Already 1 January in Tokyo, still 31 December in New York.
    expect(nextOccasion([birthday], profile('Asia/Tokyo', '01-01'), calendar, after)).toEqual(
      new Date('2027-01-01T00:00:00Z'),
    );
    expect(nextOccasion([birthday], profile('America/New_York', '01-01'), calendar, after)).toEqual(
      new Date('2027-01-01T14:00:00Z'),
    );
    expect(nextOccasion([birthday], profile('America/New_York', '01-02'), calendar, after)).toEqual(
      new Date('2027-01-02T14:00:00Z'),
    );
  });
});

describe('occasions spread over the morning', () => {
  const spread = shipped.calendar;
  const ids = Array.from({ length: 500 }, (_, i) => `spread-${i}`);
  const dueOf = (customerId: string, timeZone: string, after = new Date('2026-01-01T00:00:00Z')) =>
    nextOccasion(
      [birthday],
      {
        ...newProfile(customerId, lifecycle, new Date('2026-01-01T00:00:00Z')),
        timeZone,
        attributes: { birthday: '1990-05-15' },
      },
      spread,
      after,
    )!;

  it("put each customer's due time inside the window settings give (09:00 to 11:00 their own time)", () => {
    expect(spread.occasionSpreadMs).toBe(2 * 3_600_000);
    for (const timeZone of ['Asia/Shanghai', 'America/New_York']) {
      const minutes = ids.map((id) => {
        const { year, month, day, hour, minute } = localParts(dueOf(id, timeZone), timeZone);
        expect([year, month, day]).toEqual([2026, 5, 15]);
        return hour * 60 + minute;
      });
      expect(Math.min(...minutes)).toBeGreaterThanOrEqual(9 * 60);
      expect(Math.max(...minutes)).toBeLessThan(11 * 60);
      // Spread, not bunched: most of the window's two hours hold someone.
      expect(new Set(minutes).size).toBeGreaterThan(90);
    }
  });

  it('keep a customer at the same place, from one call and one year to the next', () => {
    for (const id of ids.slice(0, 20)) {
      expect(occasionOffsetMs(id, spread)).toBe(occasionOffsetMs(id, { ...spread }));
      const thisYear = dueOf(id, 'Asia/Shanghai');
      expect(dueOf(id, 'Asia/Shanghai')).toEqual(thisYear);
      const nextYear = dueOf(id, 'Asia/Shanghai', new Date('2026-06-01T00:00:00Z'));
      expect(nextYear.getTime() - Date.parse('2027-05-15T01:00:00Z')).toBe(occasionOffsetMs(id, spread));
      expect(thisYear.getTime() - Date.parse('2026-05-15T01:00:00Z')).toBe(occasionOffsetMs(id, spread));
    }
    expect(occasionOffsetMs('any', { ...spread, occasionSpreadMs: 0 })).toBe(0);
  });

  it('are cut to whole sweep intervals: a daily sweep spreads nothing, which would only greet a day late', () => {
    const cut = (minutes: number) => spreadOverSweeps(spread, minutes * 60_000).occasionSpreadMs;
    expect([cut(15), cut(60), cut(90), cut(24 * 60)]).toEqual([2 * 3_600_000, 2 * 3_600_000, 5_400_000, 0]);
    expect(spreadOverSweeps(spread, undefined)).toBe(spread);
  });
});

describe('holiday dates in settings.yaml', () => {
  it('are refused when the calendar lacks them, naming the date; 29 February is a day', () => {
    const settings = {
      brand: { name: 'Shop' },
      locales: ['en'],
      defaultLocale: 'en',
      holidays: {
        ok: ['02-29', '2028-02-29', '12-25'],
        bad: ['00-15', '12-00', '02-30', '2027-02-29', 'soon'],
      },
    };
    const result = Settings.safeParse(settings);
    const problems = result.success ? [] : zodProblems(result.error, settings);
    expect(problems.map((p) => [p.field, p.value, p.expected])).toEqual([
      ['holidays.bad[0]', '00-15', CALENDAR_DAY],
      ['holidays.bad[1]', '12-00', CALENDAR_DAY],
      ['holidays.bad[2]', '02-30', CALENDAR_DAY],
      ['holidays.bad[3]', '2027-02-29', CALENDAR_DAY],
      ['holidays.bad[4]', 'soon', 'a date "2027-02-06" (that day) or "12-25" (every year)'],
    ]);
  });
});
