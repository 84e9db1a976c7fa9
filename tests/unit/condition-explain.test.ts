import { renderWhy } from '../../adapters/console/timeline-html';
import { loadWorkflows } from '../../domain/config/load';
import { checkWords, explanationLines, explanationShort } from '../../domain/console/explain-words';
import { buildTimeline } from '../../domain/console/timeline';
import { why, whyLines } from '../../domain/console/why';
import { customerMatches } from '../../domain/journey/conditions';
import { decideBranch } from '../../domain/journey/decision';
import {
  CONDITION_KEYS,
  explainCondition,
  explainSplit,
  type ConditionCheck,
} from '../../domain/journey/explain';
import type { CustomerCondition, EntryEventProperties } from '../../domain/journey/step-inputs';
import { newProfile } from '../../domain/lifecycle/apply';
import type { DecisionRecord } from '../../domain/ports';
import type { Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const AT = '2026-11-22T10:00:00Z';
const dated = { at: AT, eventId: 'e-1' };
const base: Profile = { ...newProfile('c-1', lifecycle, new Date(AT)), stage: 'active', tier: 'regular' };

/**
 * For every key: a condition on it alone, a customer it holds for and one it does not, and the words for
 * each. Typed over every key, so a key added to CustomerCondition fails to compile here until it has cases.
 */
type Case = {
  wanted: unknown;
  /** The customer, what they had, the words; and the entry event's properties, for an `event` test. */
  holds: [Partial<Profile>, unknown, string, EntryEventProperties?];
  fails: [Partial<Profile>, unknown, string, EntryEventProperties?];
};
const CASES: { [K in keyof CustomerCondition]-?: Case } = {
  stage: {
    wanted: ['active', 'lapsed'],
    holds: [{}, 'active', 'stage in active, lapsed — had active ✓'],
    fails: [{ stage: 'new' }, 'new', 'stage in active, lapsed — had new ✗'],
  },
  tier: {
    wanted: 'vip',
    holds: [{ tier: 'vip' }, 'vip', 'tier is vip — had vip ✓'],
    fails: [{}, 'regular', 'tier is vip — had regular ✗'],
  },
  firstPurchaseSmall: {
    wanted: true,
    holds: [{ firstPurchaseSmall: true }, true, 'firstPurchaseSmall is true — had true ✓'],
    fails: [{}, false, 'firstPurchaseSmall is true — had false ✗'],
  },
  purchaseCount: {
    wanted: { min: 2 },
    holds: [{ purchaseCount: 2 }, 2, 'purchaseCount ≥ 2 — had 2 ✓'],
    fails: [{ purchaseCount: 1 }, 1, 'purchaseCount ≥ 2 — had 1 ✗'],
  },
  attribute: {
    wanted: { name: 'plan', equals: 'pro' },
    holds: [{ attributes: { plan: 'pro' } }, 'pro', 'attribute plan = "pro" — had "pro" ✓'],
    fails: [{}, null, 'attribute plan = "pro" — had (none) ✗'],
  },
  tag: {
    wanted: 'vip',
    holds: [{ tags: ['vip'] }, true, 'tag vip — had it ✓'],
    fails: [{ tags: ['new'] }, false, 'tag vip — had not ✗'],
  },
  emailConsent: {
    wanted: 'unsubscribed',
    holds: [
      { consent: { email: { status: 'unsubscribed', at: AT, source: 'x' } } },
      'unsubscribed',
      'email consent unsubscribed — had unsubscribed ✓',
    ],
    // The implied consent of first contact is no answer: unknown (see consent-policy.test.ts).
    fails: [{}, 'unknown', 'email consent unsubscribed — had unknown ✗'],
  },
  smsConsent: {
    wanted: 'subscribed',
    holds: [
      { consent: { email: base.consent.email, sms: { status: 'subscribed', at: AT, source: 'x' } } },
      'subscribed',
      'sms consent subscribed — had subscribed ✓',
    ],
    fails: [
      { consent: { email: base.consent.email, sms: { status: 'unsubscribed', at: AT, source: 'x' } } },
      'unsubscribed',
      'sms consent subscribed — had unsubscribed ✗',
    ],
  },
  topic: {
    wanted: { name: 'offers', consent: 'subscribed' },
    holds: [
      {
        consent: {
          email: base.consent.email,
          topics: { offers: { status: 'subscribed', at: AT, source: 'x' } },
        },
      },
      'subscribed',
      'topic offers consent subscribed — had subscribed ✓',
    ],
    fails: [
      {
        consent: {
          email: base.consent.email,
          topics: { offers: { status: 'unsubscribed', at: AT, source: 'x' } },
        },
      },
      'unsubscribed',
      'topic offers consent subscribed — had unsubscribed ✗',
    ],
  },
  lastEvent: {
    wanted: 'complaint',
    holds: [
      { lastEvent: { eventId: 'e-1', type: 'complaint', at: AT } },
      'complaint',
      'last event complaint — had complaint ✓',
    ],
    fails: [{}, null, 'last event complaint — had (none) ✗'],
  },
  event: {
    wanted: { category: 'shoes', price: { gte: 100, lt: 500 } },
    holds: [
      {},
      'category: shoes, price: 100',
      'event category = "shoes", price ≥ 100 and < 500 — had category: shoes, price: 100 ✓',
      { category: 'shoes', price: 100, sku: 'x' },
    ],
    fails: [
      {},
      'category: shoes, price: 99.5',
      'event category = "shoes", price ≥ 100 and < 500 — had category: shoes, price: 99.5 ✗',
      { category: 'shoes', price: 99.5 },
    ],
  },
  mood: {
    wanted: 'neutral',
    holds: [{}, 'neutral', 'mood neutral — had neutral ✓'],
    fails: [{ mood: { ...dated, value: 'unhappy' } }, 'unhappy', 'mood neutral — had unhappy ✗'],
  },
  nps: {
    wanted: { min: 9, max: 10 },
    holds: [{ feedback: { nps: { ...dated, score: 9 } } }, 9, 'nps 9–10 — had 9 ✓'],
    fails: [{}, null, 'nps 9–10 — had (none) ✗'],
  },
  relationship: {
    wanted: { max: 40 },
    holds: [{ relationship: { score: 12.5, at: AT } }, 12.5, 'relationship ≤ 40 — had 12.5 ✓'],
    fails: [{ relationship: { score: 70, at: AT } }, 70, 'relationship ≤ 40 — had 70 ✗'],
  },
};

describe('a condition explained, key by key', () => {
  it('has cases for every key the explanation knows, and no other', () => {
    expect(Object.keys(CASES).sort()).toEqual([...CONDITION_KEYS].sort());
  });

  describe.each(CONDITION_KEYS)('%s', (key) => {
    const { wanted, holds, fails } = CASES[key];
    const condition = { [key]: wanted } as CustomerCondition;
    it.each([
      ['holds', holds, true],
      ['fails', fails, false],
    ] as const)('%s: wanted, had, held and the words for them', (_, [patch, had, words, event], held) => {
      const profile = { ...base, ...patch };
      const checks = explainCondition(condition, profile, event);
      expect(checks).toEqual([{ key, wanted, had, held }]);
      expect(customerMatches(condition, profile, event)).toBe(held);
      expect(checkWords(checks[0]!)).toBe(words);
    });
  });

  it('an attribute test in words: present, equal, within bounds (as written, unrounded)', () => {
    const words = (attribute: NonNullable<CustomerCondition['attribute']>) =>
      explainCondition({ attribute }, { ...base, attributes: { aum: 70.555 } }).map(checkWords);
    expect(words({ name: 'aum' })).toEqual(['attribute aum present — had 70.555 ✓']);
    expect(words({ name: 'aum', equals: 5, min: 70.556 })).toEqual([
      'attribute aum = 5 and ≥ 70.556 — had 70.555 ✗',
    ]);
  });

  it('an event test: lists, dates as instants, a missing property, and no entry event at all', () => {
    const held = (event: CustomerCondition['event'], properties?: EntryEventProperties) =>
      customerMatches({ event }, base, properties);
    const viewed = { category: 'boots', at: '2026-11-22T10:00:00+01:00', sale: true };
    expect(held({ category: { in: ['boots', 'shoes'] } }, viewed)).toBe(true);
    expect(held({ category: { in: ['hats'] } }, viewed)).toBe(false);
    // 09:00Z is the same instant as 10:00+01:00: a date is compared as an instant, not as text.
    expect(held({ at: { gte: '2026-11-22T09:00:00Z', lte: '2026-11-22T09:00:00Z' } }, viewed)).toBe(true);
    expect(held({ at: { gt: '2026-11-22T09:00:00Z' } }, viewed)).toBe(false);
    expect(held({ sale: true }, viewed)).toBe(true);
    expect(held({ colour: 'red' }, viewed)).toBe(false);
    expect(held({ category: 'boots' }, undefined)).toBe(false);
    expect(explainCondition({ event: { category: 'boots' } }, base)).toEqual([
      { key: 'event', wanted: { category: 'boots' }, had: null, held: false },
    ]);
  });

  it('tests every key present, in one fixed order, and holds only when all do; none present always holds', () => {
    const checks = explainCondition({ tag: 'vip', tier: ['regular'], purchaseCount: { max: 0 } }, base);
    expect(checks.map((c: ConditionCheck) => [c.key, c.held])).toEqual([
      ['tier', true],
      ['purchaseCount', true],
      ['tag', false],
    ]);
    expect(explainCondition({}, base)).toEqual([]);
    expect(customerMatches({}, base)).toBe(true);
  });
});

const decision = (over: Partial<DecisionRecord>): DecisionRecord => ({
  customerId: 'c-1',
  decisionKey: 'd',
  journeyId: 'winback',
  journeyVersion: 2,
  stepId: 'bought-again',
  executionId: 'arn:x',
  kind: 'branch',
  path: 'no',
  holdout: false,
  at: AT,
  ...over,
});

describe('a decision explained, in words', () => {
  const branch = decideBranch(
    [
      { name: 'yes', when: { purchaseCount: { min: 2 } } },
      { name: 'no', when: {} },
    ],
    { ...base, purchaseCount: 1 },
  );

  it('a branch: each path evaluated up to the one taken, with its checks', () => {
    expect(branch.path).toBe('no');
    expect(explanationLines(decision(branch))).toEqual([
      'path "yes" needs purchaseCount ≥ 2 — had 1 ✗',
      'path "no" needs nothing ✓',
    ]);
    expect(explanationShort(decision(branch))).toBe(' ["yes" ✗ purchaseCount; "no" ✓]');
  });

  it('a branch where no path held: every path, then the default', () => {
    const none = decideBranch([{ name: 'vip', when: { tier: 'vip' } }], base);
    expect(none.path).toBe('');
    expect(explanationLines(decision(none))).toEqual([
      'path "vip" needs tier is vip — had regular ✗',
      'no path held: the default was taken',
    ]);
  });

  it('a split: the bucket, every arm with its range, the holdout, the arm taken', () => {
    const arms = [
      { name: 'tip', percent: 33.3, holdout: false },
      { name: 'holdout', percent: 66.7, holdout: true },
    ];
    const split = decision({ kind: 'split', path: 'holdout', explanation: explainSplit(arms, 33.3049) });
    expect(explanationLines(split)).toEqual([
      'bucket 33.30 of [0, 100): "tip" [0, 33.3); "holdout" [33.3, 100) holdout ✓',
    ]);
    expect(explanationShort(split)).toBe(' [bucket 33.30]');
  });

  it('a decision stored before explanations were kept still reads', () => {
    expect(explanationLines(decision({}))).toEqual(['conditions not recorded']);
    expect(explanationLines(decision({ kind: 'split' }))).toEqual(['bucket not recorded']);
    expect(explanationShort(decision({}))).toBe('');
  });

  it('why: the lines under the decision, and the HTML marks them as its details, escaped', () => {
    const ARN = 'arn:aws:states:eu-west-1:1:execution:rapport-winback:winback-c-1-abc';
    const odd = decideBranch([{ name: 'yes', when: { attribute: { name: 'plan', equals: '<b>' } } }], base);
    const timeline = buildTimeline({
      customerId: 'c-1',
      events: [],
      journeys: [],
      decisions: [
        decision({ ...branch, executionId: ARN }),
        decision({ ...odd, decisionKey: 'e', stepId: 'odd', executionId: ARN }),
      ],
      awaits: [],
      messages: [
        {
          customerId: 'c-1',
          messageKey: 'm-1',
          journeyId: 'winback',
          journeyVersion: 2,
          stepId: 'nudge',
          executionId: ARN,
          channel: 'email',
          template: 'nudge',
          category: 'marketing',
          status: 'sent',
          createdAt: '2026-11-22T10:00:01Z',
          sentAt: '2026-11-22T10:00:01Z',
        },
      ],
    });
    const answer = why(timeline, 'm-1')!;
    expect(whyLines(answer)).toEqual(
      expect.arrayContaining([
        `  ${AT}  branch bought-again took "no"`,
        '      path "yes" needs purchaseCount ≥ 2 — had 1 ✗',
        '      path "no" needs nothing ✓',
      ]),
    );
    const html = renderWhy(answer);
    expect(html).toContain(
      '<li class="why-detail">path &#34;yes&#34; needs purchaseCount ≥ 2 — had 1 ✗</li>',
    );
    expect(html).toContain('attribute plan = &#34;&#60;b&#62;&#34; — had (none) ✗');
    expect(html).not.toContain('<b>');
  });
});
