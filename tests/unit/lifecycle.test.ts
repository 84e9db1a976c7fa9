import { loadWorkflows } from '../../domain/config/load';
import type { BusinessEvent } from '../../domain/events/types';
import {
  advanceTime,
  applyEvent,
  changesCausedBy,
  hasApplied,
  newProfile,
} from '../../domain/lifecycle/apply';
import { Lifecycle } from '../../domain/lifecycle/schema';
import type { Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const now = new Date('2026-11-22T10:00:05Z');
const purchase = (
  eventId: string,
  amount: number,
  currency = 'CNY',
  at = '2026-11-22T10:00:00Z',
): BusinessEvent => ({
  eventId,
  type: 'purchase',
  customerId: 'c-1',
  at,
  amount,
  currency,
});
const DAY = 86_400_000;
const day = (n: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + n * DAY);

/** Applies purchases on the given days (each processed on its own day), returning the profile. */
function buyOn(days: number[], amount = 50, profile?: Profile): Profile {
  let p = profile;
  for (const d of days)
    p = applyEvent(p, purchase(`e-${d}`, amount, 'CNY', day(d).toISOString()), lifecycle, day(d)).profile;
  return p!;
}

describe('lifecycle: first purchase', () => {
  it('a new customer is a prospect', () => {
    expect(newProfile('c-1', lifecycle, now)).toMatchObject({
      stage: 'prospect',
      purchaseCount: 0,
      recentPurchases: [],
    });
  });

  it('moves a prospect to first-purchase and records why', () => {
    const { profile, stageChanges } = applyEvent(undefined, purchase('e-1', 19.9), lifecycle, now);
    expect(profile).toMatchObject({
      stage: 'first-purchase',
      purchaseCount: 1,
      firstPurchaseSmall: true,
      version: 1,
    });
    expect(stageChanges).toEqual([
      {
        from: 'prospect',
        to: 'first-purchase',
        at: '2026-11-22T10:00:00Z',
        cause: { kind: 'event', eventId: 'e-1', eventType: 'purchase' },
      },
    ]);
    expect(profile.stageHistory).toEqual(stageChanges);
    expect(changesCausedBy(profile, 'e-1').stageChanges).toEqual(stageChanges);
    expect(hasApplied(profile, 'e-1')).toBe(true);
  });

  it.each([
    [200, 'CNY', true],
    [200.01, 'CNY', false],
    [30, 'USD', true],
    [31, 'USD', false],
    [1, 'JPY', false],
  ])(
    'flags a first purchase of %s %s as small: %s (thresholds per currency, inclusive)',
    (amount, currency, small) => {
      const { profile } = applyEvent(undefined, purchase('e-1', amount, currency), lifecycle, now);
      expect(profile.firstPurchaseSmall).toBe(small);
      expect(profile.firstPurchase).toMatchObject({ amount, currency, small, eventId: 'e-1' });
    },
  );

  it('a late, earlier purchase becomes the first purchase; counters and dates stay right', () => {
    const first = applyEvent(
      undefined,
      purchase('e-2', 999, 'CNY', '2026-11-23T10:00:00Z'),
      lifecycle,
      now,
    ).profile;
    const { profile } = applyEvent(first, purchase('e-1', 10, 'CNY', '2026-11-20T10:00:00Z'), lifecycle, now);
    expect(profile).toMatchObject({
      purchaseCount: 2,
      lastPurchaseAt: '2026-11-23T10:00:00Z',
      firstPurchaseSmall: true,
      stage: 'active',
    });
    expect(profile.firstPurchase?.eventId).toBe('e-1');
    expect(profile.recentPurchases.map((p) => p.eventId)).toEqual(['e-1', 'e-2']);
  });

  it('updates attributes from a profile event without changing the stage', () => {
    const { profile, stageChanges } = applyEvent(
      undefined,
      {
        eventId: 'p-1',
        type: 'profile',
        customerId: 'c-1',
        at: '2026-11-22T09:00:00Z',
        customer: { email: 'a@example.com', locale: 'en-GB' },
      },
      lifecycle,
      now,
    );
    expect(stageChanges).toEqual([]);
    expect(profile).toMatchObject({
      stage: 'prospect',
      email: 'a@example.com',
      locale: 'en-GB',
      purchaseCount: 0,
    });
    expect(profile.dueAt).toBeUndefined();
  });

  it('never mutates the profile it is given', () => {
    const first = applyEvent(undefined, purchase('e-1', 19.9), lifecycle, now).profile;
    const snapshot = structuredClone(first);
    applyEvent(first, purchase('e-2', 1), lifecycle, now);
    advanceTime(first, lifecycle, new Date('2028-01-01T00:00:00Z'));
    expect(first).toEqual(snapshot);
  });
});

describe('lifecycle: repeat, loyal, dormant, reactivated, lost', () => {
  it('a repeat purchase makes the customer active', () => {
    expect(buyOn([0, 10]).stage).toBe('active');
  });

  it('five purchases within a year of purchases make the customer loyal', () => {
    expect(buyOn([0, 10, 20, 30]).stage).toBe('active');
    expect(buyOn([0, 10, 20, 30, 40]).stage).toBe('loyal');
  });

  it('spending enough within a year makes the customer loyal, even with few purchases', () => {
    expect(buyOn([0, 10], 2600).stage).toBe('loyal');
    expect(buyOn([0, 10], 2400).stage).toBe('active');
  });

  it('the loyalty window ends now (business time): old purchases stop counting', () => {
    expect(buyOn([0, 10, 20, 30, 400]).stage).not.toBe('loyal');
  });

  it('no purchase for 90 days: dormant, at exactly the threshold; for 365 days: lost', () => {
    const p = buyOn([0, 10]);
    expect(p.dueAt).toBe(day(100).toISOString());
    expect(advanceTime(p, lifecycle, new Date(day(100).getTime() - 1)).stageChanges).toEqual([]);
    const { profile, stageChanges } = advanceTime(p, lifecycle, day(500));
    expect(stageChanges).toEqual([
      { from: 'active', to: 'dormant', at: day(100).toISOString(), cause: { kind: 'timer' } },
      { from: 'dormant', to: 'lost', at: day(375).toISOString(), cause: { kind: 'timer' } },
    ]);
    expect(profile.stage).toBe('lost');
    expect(profile.dueAt).toBeUndefined();
    // Time passing again changes nothing.
    expect(advanceTime(profile, lifecycle, day(900)).stageChanges).toEqual([]);
  });

  it('a purchase after 90 days or more without one reactivates; the next one makes the customer active again', () => {
    const dormant = advanceTime(buyOn([0, 10]), lifecycle, day(150)).profile;
    expect(dormant.stage).toBe('dormant');
    const back = buyOn([150], 50, dormant);
    expect(back.stage).toBe('reactivated');
    expect(back.stageHistory.map((c) => c.to)).toEqual([
      'first-purchase',
      'active',
      'dormant',
      'reactivated',
    ]);
    expect(buyOn([160], 50, back).stage).toBe('active');
    const lost = advanceTime(buyOn([0]), lifecycle, day(600)).profile;
    expect(lost.stage).toBe('lost');
    expect(buyOn([600], 50, lost).stage).toBe('reactivated');
  });

  it('a purchase arriving before a sweep records the dormancy it interrupted, without acting on it', () => {
    const p = buyOn([0, 10]);
    const result = applyEvent(p, purchase('e-late', 50, 'CNY', day(120).toISOString()), lifecycle, day(120));
    expect(result.lateTimerChanges.map((c) => [c.to, c.at])).toEqual([['dormant', day(100).toISOString()]]);
    expect(result.stageChanges.map((c) => c.to)).toEqual(['reactivated']);
    expect(result.profile.stage).toBe('reactivated');
  });

  it('keeps only the purchases the rules can still look at', () => {
    const p = buyOn([0, 10, 20, 400, 800]);
    expect(p.recentPurchases.map((r) => r.eventId)).toEqual(['e-400', 'e-800']);
    expect(p.purchaseCount).toBe(5);
  });
});

describe('lifecycle: tiers', () => {
  it('everyone starts regular', () => {
    expect(newProfile('c-1', lifecycle, now).tier).toBe('regular');
  });

  it('spending enough within a year of purchases makes a customer vip, recorded with its cause', () => {
    const { profile, tierChanges } = applyEvent(
      buyOn([0], 15_000),
      purchase('e-big', 6_000, 'CNY', day(30).toISOString()),
      lifecycle,
      day(30),
    );
    expect(profile.tier).toBe('vip');
    expect(tierChanges).toEqual([
      {
        from: 'regular',
        to: 'vip',
        at: day(30).toISOString(),
        cause: { kind: 'event', eventId: 'e-big', eventType: 'purchase' },
      },
    ]);
    expect(profile.tierHistory).toEqual(tierChanges);
  });

  it('an attribute sent by the bank’s systems (assets under management) makes a customer vip', () => {
    const { profile, tierChanges } = applyEvent(
      undefined,
      {
        eventId: 'p-1',
        type: 'profile',
        customerId: 'c-1',
        at: '2026-11-22T09:00:00Z',
        customer: { attributes: { assetsUnderManagement: 2_500_000, segment: 'private' } },
      },
      lifecycle,
      now,
    );
    expect(profile).toMatchObject({
      tier: 'vip',
      stage: 'prospect',
      attributes: { assetsUnderManagement: 2_500_000, segment: 'private' },
    });
    expect(tierChanges.map((c) => c.to)).toEqual(['vip']);
    // Attributes merge: a later event with other attributes keeps these.
    const later = applyEvent(
      profile,
      {
        eventId: 'p-2',
        type: 'profile',
        customerId: 'c-1',
        at: '2026-11-23T09:00:00Z',
        customer: { attributes: { segment: 'retail' } },
      },
      lifecycle,
      now,
    );
    expect(later.profile.attributes).toEqual({ assetsUnderManagement: 2_500_000, segment: 'retail' });
    expect(later.profile.tier).toBe('vip');
  });
});

describe('lifecycle: history follows business time, whatever order events arrive in', () => {
  const events = [
    purchase('a', 10, 'CNY', '2026-01-01T00:00:00.000Z'),
    purchase('b', 25_000, 'CNY', '2026-05-01T00:00:00.000Z'),
    purchase('c', 10, 'CNY', '2026-06-01T00:00:00.000Z'),
  ];
  const deliver = (order: BusinessEvent[], at = '2026-06-02T00:00:00.000Z') =>
    order.reduce<Profile | undefined>(
      (p, e) => applyEvent(p, e, lifecycle, new Date(at)).profile,
      undefined,
    )!;
  const story = (p: Profile) => ({
    stages: p.stageHistory.map((c) => [
      c.from,
      c.to,
      c.at,
      c.cause.kind === 'event' ? c.cause.eventId : 'timer',
    ]),
    tiers: p.tierHistory.map((c) => [
      c.from,
      c.to,
      c.at,
      c.cause.kind === 'event' ? c.cause.eventId : 'timer',
    ]),
  });

  it('the second purchase arriving before the first: each change at its own time, with its own cause', () => {
    const [a, b] = events;
    const inOrder = deliver([a!, b!]);
    const reversed = deliver([b!, a!]);
    expect(story(reversed)).toEqual(story(inOrder));
    expect(story(inOrder).stages).toEqual([
      ['prospect', 'first-purchase', '2026-01-01T00:00:00.000Z', 'a'],
      ['first-purchase', 'dormant', '2026-04-01T00:00:00.000Z', 'timer'],
      ['dormant', 'reactivated', '2026-05-01T00:00:00.000Z', 'b'],
    ]);
  });

  it('three purchases in every order give one history, told in business time', () => {
    const [a, b, c] = events;
    const reference = story(deliver([a!, b!, c!]));
    expect(reference).toEqual({
      stages: [
        ['prospect', 'first-purchase', '2026-01-01T00:00:00.000Z', 'a'],
        ['first-purchase', 'dormant', '2026-04-01T00:00:00.000Z', 'timer'],
        ['dormant', 'reactivated', '2026-05-01T00:00:00.000Z', 'b'],
        ['reactivated', 'loyal', '2026-06-01T00:00:00.000Z', 'c'],
      ],
      tiers: [['regular', 'vip', '2026-05-01T00:00:00.000Z', 'b']],
    });
    for (const order of [
      [a, c, b],
      [b, a, c],
      [b, c, a],
      [c, a, b],
      [c, b, a],
    ])
      expect(story(deliver(order as BusinessEvent[]))).toEqual(reference);
  });

  it('an earlier purchase arriving late announces only what is news', () => {
    const [a, b] = events;
    const afterB = deliver([b!]);
    const late = applyEvent(afterB, a!, lifecycle, new Date('2026-06-02T00:00:00.000Z'));
    // `b` already made the customer a first-time buyer (and started its journeys): `a` re-dates that
    // change, it does not announce it again. The dormancy and return it reveals are history only.
    expect(late.stageChanges).toEqual([]);
    expect(late.lateTimerChanges.map((c) => c.to)).toEqual(['first-purchase', 'dormant', 'reactivated']);
    expect(late.profile.stage).toBe('reactivated');
  });
});

describe('lifecycle: a calendar year (1y) in its windows', () => {
  // The shipped rules with every year-long span written as a calendar year.
  const yearly = Lifecycle.parse(
    JSON.parse(JSON.stringify(lifecycle).replaceAll('"365d"', '"1y"')) as unknown,
  );
  const at = (iso: string) => new Date(iso);
  const boughtOn = (...dates: string[]) => {
    let p: Profile | undefined;
    for (const d of dates) p = applyEvent(p, purchase(`e-${d}`, 50, 'CNY', d), yearly, at(d)).profile;
    return p!;
  };

  it('lost a calendar year after the last purchase: 366 days across 29 February, where 365d is a day early', () => {
    const p = boughtOn('2027-03-01T10:00:00Z');
    const lost = advanceTime(p, yearly, at('2028-06-01T00:00:00Z')).stageChanges.find((c) => c.to === 'lost');
    expect(lost?.at).toBe('2028-03-01T10:00:00.000Z');
    const daily = advanceTime(p, lifecycle, at('2028-06-01T00:00:00Z')).stageChanges.find(
      (c) => c.to === 'lost',
    );
    expect(daily?.at).toBe('2028-02-29T10:00:00.000Z');
    // A purchase on 29 February: a year later is 28 February (the same rule as birthdays).
    const leap = advanceTime(boughtOn('2028-02-29T10:00:00Z'), yearly, at('2029-06-01T00:00:00Z'));
    expect(leap.stageChanges.find((c) => c.to === 'lost')?.at).toBe('2029-02-28T10:00:00.000Z');
  });

  it('purchasesWithin a calendar year: a purchase counts until the same date and time a year on', () => {
    const dates = ['2027-03-01', '2027-06-01', '2027-09-01', '2027-12-01', '2028-01-15'];
    const p = boughtOn(...dates.map((d) => `${d}T10:00:00Z`));
    expect(p.stage).toBe('loyal');
    // 365 days after the first purchase is 29 February 2028: within the calendar year, still loyal.
    const stillLoyal = advanceTime(p, yearly, at('2028-02-29T10:00:00Z'));
    expect(stillLoyal.profile.stage).toBe('loyal');
    const after = advanceTime(p, yearly, at('2028-03-01T10:00:00Z'));
    expect(after.stageChanges.map((c) => [c.to, c.at])).toEqual([['active', '2028-03-01T10:00:00.000Z']]);
    // With 365d, the first purchase stopped counting a day earlier.
    const daily = advanceTime(p, lifecycle, at('2028-03-01T10:00:00Z'));
    expect(daily.stageChanges.map((c) => [c.to, c.at])).toEqual([['active', '2028-02-29T10:00:00.000Z']]);
  });
});
