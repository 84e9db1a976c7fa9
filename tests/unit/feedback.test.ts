import { lexiconSentiment } from '../../adapters/sentiment/lexicon';
import { loadWorkflows } from '../../domain/config/load';
import type { ComplaintEvent, FeedbackEvent, PurchaseEvent } from '../../domain/events/schema';
import { languageOf } from '../../domain/events/sentiment';
import { applyEvent, newProfile } from '../../domain/lifecycle/apply';
import { customerMatches } from '../../domain/journey/conditions';
import { relationshipScore } from '../../domain/profile/relationship';
import type { Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const { care } = lifecycle;
const NOW = new Date('2026-06-01T00:00:00Z');

const nps = (score: number, at = '2026-05-01T00:00:00Z', eventId = `nps-${score}-${at}`): FeedbackEvent => ({
  eventId,
  type: 'feedback',
  customerId: 'c-1',
  at,
  survey: 'nps',
  score,
});
const complaint = (at: string): ComplaintEvent => ({
  eventId: `c-${at}`,
  type: 'complaint',
  customerId: 'c-1',
  at,
});
const fold = (events: (FeedbackEvent | ComplaintEvent)[], start?: Profile) =>
  events.reduce<Profile | undefined>((p, e) => applyEvent(p, e, lifecycle, NOW).profile, start)!;

describe('feedback on the profile', () => {
  it('a detractor is unhappy and gets no marketing for 30 days; a promoter is happy; a passive neutral', () => {
    const detractor = fold([nps(3)]);
    expect(detractor.mood?.value).toBe('unhappy');
    expect(detractor.marketingPausedUntil).toBe('2026-05-31T00:00:00.000Z');
    expect(fold([nps(10)])).toMatchObject({ mood: { value: 'happy' } });
    expect(fold([nps(10)]).marketingPausedUntil).toBeUndefined();
    expect(fold([nps(7)]).mood?.value).toBe('neutral');
  });

  it('the latest answer by business time wins, whatever order they arrive in; a pause is never shortened', () => {
    const inOrder = fold([nps(2, '2026-05-01T00:00:00Z'), nps(9, '2026-05-10T00:00:00Z')]);
    const reversed = fold([nps(9, '2026-05-10T00:00:00Z'), nps(2, '2026-05-01T00:00:00Z')]);
    for (const p of [inOrder, reversed]) {
      expect(p.feedback?.nps?.score).toBe(9);
      expect(p.mood?.value).toBe('happy');
      expect(p.marketingPausedUntil).toBe('2026-05-31T00:00:00.000Z');
    }
  });

  it('mood, NPS and relationship are conditions a branch or an entry can test', () => {
    const unhappy = fold([complaint('2026-05-20T00:00:00Z')]);
    expect(customerMatches({ mood: 'unhappy' }, unhappy)).toBe(true);
    expect(customerMatches({ nps: { min: 9 } }, fold([nps(9)]))).toBe(true);
    expect(customerMatches({ nps: { min: 9 } }, fold([nps(8)]))).toBe(false);
    expect(customerMatches({ relationship: { max: 100 } }, unhappy)).toBe(true);
  });
});

describe('relationship score', () => {
  const base = (patch: Partial<Profile> = {}): Profile => ({
    ...newProfile('c-1', lifecycle, NOW),
    ...patch,
  });

  it('is 0–100: a loyal, satisfied, recent customer scores high; a lapsed complainer low', () => {
    const loyal = base({
      purchaseCount: 12,
      lastPurchaseAt: '2026-05-31T00:00:00Z',
      recentPurchases: [{ eventId: 'p', at: '2026-05-31T00:00:00Z', amount: 6000, currency: 'CNY' }],
      feedback: { nps: { score: 10, at: '2026-05-01T00:00:00Z', eventId: 'n' } },
    });
    const lapsed = base({
      purchaseCount: 1,
      lastPurchaseAt: '2025-06-01T00:00:00Z',
      feedback: {
        nps: { score: 1, at: '2026-05-01T00:00:00Z', eventId: 'n' },
        lastComplaintAt: '2026-05-15T00:00:00Z',
      },
    });
    expect(relationshipScore(loyal, care, NOW)).toBeGreaterThanOrEqual(90);
    expect(relationshipScore(lapsed, care, NOW)).toBeLessThanOrEqual(10);
    expect(relationshipScore(base(), care, NOW)).toBe(18); // nothing known: neutral satisfaction and emotion
  });

  it('recency halves every 90 days', () => {
    const at = (days: number) =>
      relationshipScore(
        base({ purchaseCount: 0, lastPurchaseAt: new Date(NOW.getTime() - days * 86_400_000).toISOString() }),
        care,
        NOW,
      );
    expect(at(0) - at(90)).toBe(15);
  });
});

describe('relationship in class rules', () => {
  it('a tier rule on the relationship score classifies the customer as the score moves', () => {
    const withDevoted = {
      ...lifecycle,
      tiers: [
        { id: 'devoted', description: 'A strong relationship.', when: { relationship: { min: 80 } } },
        ...lifecycle.tiers,
      ],
    };
    const buy = (n: number): PurchaseEvent => ({
      eventId: `p-${n}`,
      type: 'purchase',
      customerId: 'c-1',
      at: `2026-05-${String(10 + n).padStart(2, '0')}T00:00:00Z`,
      amount: 2000,
      currency: 'CNY',
    });
    let p: Profile | undefined;
    for (let n = 1; n <= 8; n++) p = applyEvent(p, buy(n), withDevoted, NOW).profile;
    p = applyEvent(p, nps(10, '2026-05-25T00:00:00Z'), withDevoted, NOW).profile;
    expect(p.relationship!.score).toBeGreaterThanOrEqual(80);
    expect(p.tier).toBe('devoted');
    p = applyEvent(p, complaint('2026-05-26T00:00:00Z'), withDevoted, NOW).profile;
    expect(p.relationship!.score).toBeLessThan(80);
    expect(p.tier).not.toBe('devoted');
  });
});

describe('the local sentiment classifier', () => {
  it.each([
    ['Thank you, the advisor was wonderful and very helpful', 'positive'],
    ['Very disappointed, the card arrived broken and nobody answered', 'negative'],
    ['The staff were not helpful at all', 'negative'],
    ['Great app, but the transfer was slow', 'mixed'],
    ['I changed my address last week', 'neutral'],
    ['服务很贴心，非常满意，谢谢', 'positive'],
    ['快递太慢了，客服态度也很差，非常失望', 'negative'],
    ['我不满意这次的服务', 'negative'],
  ])('%s → %s', (text, expected) => {
    expect(lexiconSentiment(text, languageOf(text))).toBe(expected);
  });
});
