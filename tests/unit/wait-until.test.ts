import { memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { compileJourney } from '../../domain/journey/compile';
import { Journey } from '../../domain/journey/schema';
import { executionInput } from '../../domain/journey/enter';
import { waitComputedAtStart } from '../../domain/journey/fusion';
import { parseJourneyStepInput, runJourneyStep } from '../../domain/journey/step-actions';
import { newProfile } from '../../domain/lifecycle/apply';
import type { Profile } from '../../domain/profile/profile';
import { calendarDays, localParts, zonedInstant } from '../../domain/time/zoned';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle, settings } = loadWorkflows(WORKFLOWS_DIR);

describe('time zones', () => {
  it('finds the UTC instant of a local wall-clock time, across DST', () => {
    expect(
      zonedInstant({ year: 2026, month: 11, day: 22, hour: 10, minute: 0 }, 'Asia/Shanghai').toISOString(),
    ).toBe('2026-11-22T02:00:00.000Z');
    expect(
      zonedInstant({ year: 2026, month: 7, day: 1, hour: 9, minute: 0 }, 'Europe/London').toISOString(),
    ).toBe('2026-07-01T08:00:00.000Z');
    expect(
      zonedInstant({ year: 2026, month: 1, day: 1, hour: 9, minute: 0 }, 'Europe/London').toISOString(),
    ).toBe('2026-01-01T09:00:00.000Z');
    expect(localParts(new Date('2026-11-21T20:00:00Z'), 'Asia/Shanghai')).toEqual({
      year: 2026,
      month: 11,
      day: 22,
      hour: 4,
      minute: 0,
    });
  });

  it('reads calendar entries: one day, every year, and a birthday on 29 February', () => {
    expect(calendarDays('2027-02-06', 2026)).toEqual([{ year: 2027, month: 2, day: 6 }]);
    expect(calendarDays('12-25', 2026)).toEqual([
      { year: 2026, month: 12, day: 25 },
      { year: 2027, month: 12, day: 25 },
    ]);
    expect(calendarDays('1996-02-29', 2026, { yearly: true })).toEqual([
      { year: 2026, month: 2, day: 28 },
      { year: 2027, month: 2, day: 28 },
    ]);
  });
});

describe('wait until', () => {
  const base = {
    customerId: 'c-1',
    journeyId: 'j',
    journeyVersion: 1,
    stepId: 'w',
    executionId: 'x',
    defaultTimeZone: 'Asia/Shanghai',
  };
  async function at(
    now: string,
    until: Record<string, unknown>,
    patch: Partial<Profile> = {},
    calendar: string[] = [],
  ) {
    const store = memoryStore();
    const clock = fixedClock(now);
    await store.putProfile({ ...newProfile('c-1', lifecycle, clock.now()), version: 1, ...patch });
    return runJourneyStep(
      { ...base, action: 'schedule', until: { timeOfDay: '09:00', ...until }, calendar },
      { store, clock },
    );
  }

  it('the next 10:00 in the customer’s own time zone: today if still ahead, else tomorrow', async () => {
    expect(await at('2026-11-22T01:00:00Z', { timeOfDay: '10:00' })).toEqual({
      at: '2026-11-22T02:00:00.000Z',
      found: true,
    });
    expect(await at('2026-11-22T03:00:00Z', { timeOfDay: '10:00' })).toEqual({
      at: '2026-11-23T02:00:00.000Z',
      found: true,
    });
    expect(await at('2026-11-22T03:00:00Z', { timeOfDay: '10:00' }, { timeZone: 'Europe/London' })).toEqual({
      at: '2026-11-22T10:00:00.000Z',
      found: true,
    });
  });

  it('the next Spring Festival at 09:00 local, from the holiday calendar', async () => {
    const calendar = settings.holidays['spring-festival']!;
    expect(await at('2026-11-22T03:00:00Z', { holiday: 'spring-festival' }, {}, calendar)).toEqual({
      at: '2027-02-06T01:00:00.000Z',
      found: true,
    });
  });

  it('the next birthday; without one on file, the wait ends at once (found: false)', async () => {
    expect(
      await at(
        '2026-11-22T03:00:00Z',
        { anniversary: 'birthday' },
        { attributes: { birthday: '1990-03-14' } },
      ),
    ).toEqual({
      at: '2027-03-14T01:00:00.000Z',
      found: true,
    });
    expect(await at('2026-11-22T03:00:00Z', { anniversary: 'birthday' })).toEqual({
      at: '2026-11-22T03:00:00.000Z',
      found: false,
    });
  });

  const calendar = { holidays: settings.holidays, defaultTimeZone: settings.defaultTimeZone };
  const festival = {
    id: 'festival',
    type: 'wait',
    until: { holiday: 'spring-festival', timeOfDay: '08:30' },
  };
  const journeyOf = (steps: unknown[]) =>
    Journey.parse({ id: 'greet', version: 1, description: 'd', entry: { tier: 'vip' }, steps });

  it('compiles to a schedule Task and a Wait on the instant it found, with the holiday dates embedded', () => {
    const asl = compileJourney(
      journeyOf([{ id: 'settle', type: 'wait', duration: '1d' }, festival]),
      calendar,
    );
    expect(asl.States.festival).toMatchObject({
      Type: 'Task',
      Parameters: {
        action: 'schedule',
        until: { holiday: 'spring-festival', timeOfDay: '08:30' },
        calendar: settings.holidays['spring-festival'],
      },
      ResultPath: '$.schedule.festival',
      Next: 'festival-until',
    });
    expect(asl.States['festival-until']).toEqual({
      Type: 'Wait',
      Comment: 'Wait until spring-festival, 08:30 local time',
      TimestampPath: '$.schedule.festival.at',
      End: true,
    });
  });

  it('as the first step, is the Wait alone, on the instant the starter put in the input', () => {
    const asl = compileJourney(journeyOf([festival]), calendar);
    expect(asl.StartAt).toBe('festival');
    expect(asl.States).toEqual({
      festival: {
        Type: 'Wait',
        Comment: 'Wait until spring-festival, 08:30 local time',
        TimestampPath: '$.schedule.festival.at',
        End: true,
      },
    });
  });

  it('as the first step some step leads back to, keeps its schedule Task: a second visit needs a new instant', () => {
    const looped = journeyOf([
      festival,
      {
        id: 'greet-them',
        type: 'send',
        channel: 'email',
        template: 'x',
        topic: 'greetings',
        next: 'festival',
      },
    ]);
    expect(waitComputedAtStart(looped)).toBeUndefined();
    expect(compileJourney(looped, calendar).States.festival).toMatchObject({ Type: 'Task' });
  });
});

describe('the starter computes a first computed wait', () => {
  const shipped = loadWorkflows(WORKFLOWS_DIR);
  const dormancy = shipped.journeys.find((j) => j.journey.id === 'dormancy-reactivation')!.journey;
  const first = dormancy.steps[0]!;
  const input = {
    customerId: 'c-1',
    journeyId: dormancy.id,
    journeyVersion: dormancy.version,
    trigger: { eventId: 'timer:dormant', eventType: 'timer', at: '2026-02-05T03:00:00Z' },
  };

  /** What the compiled schedule Task (the step as it compiles when not first) would answer at `now`. */
  async function scheduleAction(profile: Profile, now: string) {
    const store = memoryStore();
    await store.putProfile(profile);
    const asl = compileJourney(
      { ...dormancy, steps: [{ id: 'before', type: 'wait', duration: '1s' }, ...dormancy.steps] },
      shipped.calendar,
    );
    const { Parameters } = asl.States[first.id] as { Parameters: Record<string, unknown> };
    const task = { ...Parameters, customerId: 'c-1', executionId: 'x' };
    delete (task as Record<string, unknown>)['customerId.$'];
    delete (task as Record<string, unknown>)['executionId.$'];
    return runJourneyStep(parseJourneyStepInput(task), { store, clock: fixedClock(now) });
  }

  it.each([
    // Spring Festival 2026 is 17 February: within the step's 14 days, 10:00 Beijing time.
    ['2026-02-05T03:00:00Z', {}, { at: '2026-02-17T02:00:00.000Z', found: true }],
    // Its own time zone counts.
    ['2026-02-05T03:00:00Z', { timeZone: 'Europe/London' }, { at: '2026-02-17T10:00:00.000Z', found: true }],
    // No holiday within 14 days: the wait ends at once.
    ['2026-06-01T03:00:00Z', {}, { at: '2026-06-01T03:00:00.000Z', found: false }],
  ])(
    'at %s for %j: what the schedule action computes at the start, in the input',
    async (now, patch, expected) => {
      const profile = { ...newProfile('c-1', lifecycle, new Date(now)), version: 1, ...patch };
      const started = executionInput(dormancy, input, profile, {
        calendar: shipped.calendar,
        now: new Date(now),
      });
      expect(started).toEqual({ ...input, schedule: { holiday_if_near: expected } });
      expect(await scheduleAction(profile, now)).toEqual(expected);
    },
  );

  it('gives the input of a journey that does not begin with a computed wait unchanged', () => {
    const loyal = shipped.journeys.find((j) => j.journey.id === 'loyal-appreciation')!.journey;
    const profile = { ...newProfile('c-1', lifecycle, new Date()), version: 1 };
    const same = { ...input, journeyId: loyal.id };
    expect(executionInput(loyal, same, profile, { calendar: shipped.calendar, now: new Date() })).toBe(same);
  });
});
