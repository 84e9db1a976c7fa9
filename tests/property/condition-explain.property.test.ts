import fc from 'fast-check';
import { loadWorkflows } from '../../domain/config/load';
import { customerMatches, pickSplitPath } from '../../domain/journey/conditions';
import { CONDITION_KEYS, explainCondition, explainSplit } from '../../domain/journey/explain';
import type { CustomerCondition } from '../../domain/journey/step-inputs';
import { newProfile } from '../../domain/lifecycle/apply';
import { attributeMatches, inRange, purchaseCountMatches } from '../../domain/profile/matchers';
import type { ConsentRecord, Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * customerMatches as it was written before it derived from explainCondition, key by key: the reference
 * the explanation must agree with, so that what "why" shows is what the branch decided on.
 */
function referenceMatches(c: CustomerCondition, p: Profile): boolean {
  const oneOf = (wanted: string | string[], actual: string) =>
    Array.isArray(wanted) ? wanted.includes(actual) : wanted === actual;
  if (c.stage !== undefined && !oneOf(c.stage, p.stage)) return false;
  if (c.tier !== undefined && !oneOf(c.tier, p.tier)) return false;
  if (c.firstPurchaseSmall !== undefined && (p.firstPurchaseSmall ?? false) !== c.firstPurchaseSmall)
    return false;
  if (c.purchaseCount && !purchaseCountMatches(c.purchaseCount, p)) return false;
  if (c.attribute && !attributeMatches(c.attribute, p)) return false;
  if (c.tag !== undefined && !(p.tags ?? []).includes(c.tag)) return false;
  // A record of the implied consent of first contact (source 'default') is no answer: unknown.
  const state = (r: ConsentRecord | undefined) => (!r || r.source === 'default' ? 'unknown' : r.status);
  if (c.emailConsent !== undefined && !oneOf(c.emailConsent, state(p.consent.email))) return false;
  if (c.smsConsent !== undefined && !oneOf(c.smsConsent, state(p.consent.sms))) return false;
  if (c.topic && !oneOf(c.topic.consent, state(p.consent.topics?.[c.topic.name]))) return false;
  if (c.lastEvent !== undefined && p.lastEvent?.type !== c.lastEvent) return false;
  if (c.mood !== undefined && (p.mood?.value ?? 'neutral') !== c.mood) return false;
  if (c.nps && !inRange(c.nps, p.feedback?.nps?.score)) return false;
  if (c.relationship && !inRange(c.relationship, p.relationship?.score)) return false;
  return true;
}

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const AT = '2026-11-22T10:00:00Z';
const base = newProfile('c-1', lifecycle, new Date(AT));
const some = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const STAGES = ['new', 'active', 'lapsed'];
const TIERS = ['regular', 'vip'];
const STATUS = fc.constantFrom('subscribed' as const, 'unsubscribed' as const);
const STATES = ['subscribed', 'unknown', 'unsubscribed'] as const;
const WANTED = fc.oneof(fc.constantFrom(...STATES), fc.subarray([...STATES], { minLength: 1 }));
const small = fc.integer({ min: 0, max: 10 });
const range = fc.record({ min: some(small), max: some(small) }, { requiredKeys: [] });
const oneOrMany = (values: string[]) =>
  fc.oneof(fc.constantFrom(...values), fc.subarray(values, { minLength: 1 }));
const scalar = fc.oneof(fc.constantFrom('pro', 'basic'), small, fc.boolean());

const conditionArb: fc.Arbitrary<CustomerCondition> = fc.record(
  {
    stage: oneOrMany(STAGES),
    tier: oneOrMany(TIERS),
    firstPurchaseSmall: fc.boolean(),
    purchaseCount: range,
    attribute: fc.record(
      { name: fc.constantFrom('plan', 'aum'), equals: scalar, min: small, max: small },
      { requiredKeys: ['name'] },
    ),
    tag: fc.constantFrom('vip', 'gifted'),
    emailConsent: WANTED,
    smsConsent: WANTED,
    topic: fc.record({ name: fc.constantFrom('offers', 'events'), consent: WANTED }),
    lastEvent: fc.constantFrom('purchase' as const, 'feedback' as const, 'complaint' as const),
    mood: fc.constantFrom('happy' as const, 'neutral' as const, 'unhappy' as const),
    nps: range,
    relationship: fc.record({
      min: some(fc.integer({ min: 0, max: 100 })),
      max: some(fc.integer({ min: 0, max: 100 })),
    }),
  },
  { requiredKeys: [] },
);

const consentRecord = fc
  .record({ status: STATUS, source: fc.constantFrom('test', 'default') })
  .map((r) => ({ ...r, at: AT }));
const profileArb: fc.Arbitrary<Profile> = fc
  .record({
    stage: fc.constantFrom(...STAGES),
    tier: fc.constantFrom(...TIERS),
    purchaseCount: small,
    firstPurchaseSmall: some(fc.boolean()),
    attributes: some(fc.dictionary(fc.constantFrom('plan', 'aum'), scalar)),
    tags: some(fc.subarray(['vip', 'gifted', 'other'])),
    email: consentRecord,
    sms: some(consentRecord),
    topics: some(fc.dictionary(fc.constantFrom('offers', 'events'), consentRecord)),
    lastEvent: some(fc.constantFrom('purchase', 'feedback', 'complaint', 'profile')),
    mood: some(fc.constantFrom('happy' as const, 'neutral' as const, 'unhappy' as const)),
    nps: some(small),
    relationship: some(fc.integer({ min: 0, max: 100 })),
  })
  .map((r) => ({
    ...base,
    stage: r.stage,
    tier: r.tier,
    purchaseCount: r.purchaseCount,
    firstPurchaseSmall: r.firstPurchaseSmall,
    attributes: r.attributes,
    tags: r.tags,
    consent: { email: r.email, sms: r.sms, topics: r.topics },
    lastEvent: r.lastEvent && { eventId: 'e-1', type: r.lastEvent, at: AT },
    mood: r.mood && { eventId: 'e-1', value: r.mood, at: AT },
    feedback: r.nps === undefined ? undefined : { nps: { eventId: 'e-1', score: r.nps, at: AT } },
    relationship: r.relationship === undefined ? undefined : { score: r.relationship, at: AT },
  }));

describe('the explanation of a condition and the decision it explains', () => {
  it('agree for every condition and customer, key by key', () => {
    fc.assert(
      fc.property(conditionArb, profileArb, (condition, profile) => {
        const checks = explainCondition(condition, profile);
        expect(customerMatches(condition, profile)).toBe(referenceMatches(condition, profile));
        expect(checks.every((c) => c.held)).toBe(referenceMatches(condition, profile));
        // One check per key present, in the fixed order, each agreeing with that key tested alone.
        expect(checks.map((c) => c.key)).toEqual(CONDITION_KEYS.filter((k) => condition[k] !== undefined));
        for (const c of checks) {
          expect(c.wanted).toEqual(condition[c.key]);
          expect(c.held).toBe(referenceMatches({ [c.key]: c.wanted }, profile));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a split: the arm whose range holds the bucket is the arm pickSplitPath takes', () => {
    const armsArb = fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 4 }).map((parts) => {
      const total = parts.reduce((a, b) => a + b, 0);
      const percents = parts.map((p) => (p / total) * 100);
      return percents.map((percent, i) => ({ name: `arm-${i}`, percent, holdout: i === 0 }));
    });
    fc.assert(
      fc.property(
        armsArb,
        fc.double({ min: 0, max: 100, maxExcluded: true, noNaN: true }),
        (arms, bucket) => {
          const e = explainSplit(arms, bucket);
          if (e.kind !== 'split') throw new Error('not a split');
          const holding = e.arms.find((a) => bucket >= a.from && bucket < a.to) ?? e.arms[e.arms.length - 1]!;
          expect(holding.name).toBe(pickSplitPath(arms, bucket).name);
          expect(e.arms.map((a) => a.holdout)).toEqual(arms.map((a) => a.holdout));
        },
      ),
      { numRuns: 300 },
    );
  });
});
