import { conditionWords } from '../../domain/journey/condition-words';

describe('conditionWords', () => {
  it('says a lastEvent with properties by its type and values, not as an object', () => {
    expect(
      conditionWords({ lastEvent: { type: 'product-viewed', properties: { category: 'shoes', price: 90 } } }),
    ).toBe('last event product-viewed with category: "shoes", price: 90');
    expect(conditionWords({ lastEvent: { type: 'product-viewed' } })).toBe('last event product-viewed');
    expect(conditionWords({ lastEvent: 'purchase' })).toBe('last event purchase');
  });

  it('says consent lists as a set and a single state as itself', () => {
    expect(conditionWords({ smsConsent: ['subscribed', 'unknown'] })).toBe(
      'sms consent in subscribed, unknown',
    );
    expect(conditionWords({ emailConsent: 'subscribed', tier: 'vip' })).toBe(
      'tier is vip and email consent subscribed',
    );
  });
});
