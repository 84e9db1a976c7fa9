import { loadWorkflows } from '../../domain/config/load';
import type { CustomerEvent } from '../../domain/events/schema';
import { applyEvent, hasApplied, stageChangesCausedBy } from '../../domain/lifecycle/apply';
import { WORKFLOWS_DIR } from '../support/local';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const now = new Date('2026-11-22T10:00:05Z');
const purchase = (
  eventId: string,
  amount: number,
  currency = 'CNY',
  at = '2026-11-22T10:00:00Z',
): CustomerEvent => ({
  eventId,
  type: 'purchase',
  customerId: 'c-1',
  at,
  amount,
  currency,
});

describe('lifecycle: first purchase', () => {
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
    expect(stageChangesCausedBy(profile, 'e-1')).toEqual(stageChanges);
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

  it('keeps the first purchase and stage on a second purchase, and counts it', () => {
    const first = applyEvent(undefined, purchase('e-1', 19.9), lifecycle, now).profile;
    const { profile, stageChanges } = applyEvent(
      first,
      purchase('e-2', 999, 'CNY', '2026-11-23T10:00:00Z'),
      lifecycle,
      now,
    );
    expect(stageChanges).toEqual([]);
    expect(profile).toMatchObject({
      stage: 'first-purchase',
      purchaseCount: 2,
      firstPurchaseSmall: true,
      lastPurchaseAt: '2026-11-23T10:00:00Z',
      version: 2,
    });
  });

  it('does not move lastPurchaseAt backwards for a late event', () => {
    const first = applyEvent(
      undefined,
      purchase('e-2', 10, 'CNY', '2026-11-23T10:00:00Z'),
      lifecycle,
      now,
    ).profile;
    const { profile } = applyEvent(first, purchase('e-1', 10, 'CNY', '2026-11-20T10:00:00Z'), lifecycle, now);
    expect(profile.lastPurchaseAt).toBe('2026-11-23T10:00:00Z');
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
    expect(profile.consent.email.status).toBe('subscribed');
  });

  it('never mutates the profile it is given', () => {
    const first = applyEvent(undefined, purchase('e-1', 19.9), lifecycle, now).profile;
    const snapshot = structuredClone(first);
    applyEvent(first, purchase('e-2', 1), lifecycle, now);
    expect(first).toEqual(snapshot);
  });
});
