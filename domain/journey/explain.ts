import { channelConsent, topicConsent, type ConsentState } from '../profile/consent';
import { attributeMatches, inRange, purchaseCountMatches } from '../profile/matchers';
import type { Profile } from '../profile/profile';
import type { CustomerCondition, EntryEventProperties, PropertyTest } from './step-inputs';

type Key = keyof CustomerCondition;
type Wanted<K extends Key> = NonNullable<CustomerCondition[K]>;

/**
 * What the customer had for one test: a stage, a count, a score, a consent status, whether they carry a
 * tag, an attribute's value as recorded; null when nothing is on file. Never free text the customer wrote.
 */
export type Had = string | number | boolean | null;

/** One key of a condition against a customer: what the journey wanted, what the customer had, whether it held. */
export type ConditionCheck = {
  [K in Key]-?: { key: K; wanted: Wanted<K>; had: Had; held: boolean };
}[Key];

const oneOf = (wanted: string | string[], actual: string) =>
  Array.isArray(wanted) ? wanted.includes(actual) : wanted === actual;

const same = (wanted: Had, had: Had) => ({ had, held: had === wanted });

/** A consent test: `subscribed` is an explicit opt-in only; one who never answered is `unknown`. */
const consentIs = (wanted: string | string[], had: ConsentState) => ({ had, held: oneOf(wanted, had) });

/**
 * How each key is tested: the one place that says so (customerMatches is the conjunction of these).
 * A mapped type over every key, so a key added to CustomerCondition without a test here fails to compile.
 */
type Test<K extends Key> = (wanted: Wanted<K>, p: Profile, event: Event) => { had: Had; held: boolean };
/** The entry event's properties, when the execution carries them (a journey that starts on an event). */
type Event = EntryEventProperties | undefined;

const TESTS: { [K in Key]-?: Test<K> } = {
  stage: (w, p) => ({ had: p.stage, held: oneOf(w, p.stage) }),
  tier: (w, p) => ({ had: p.tier, held: oneOf(w, p.tier) }),
  firstPurchaseSmall: (w, p) => same(w, p.firstPurchaseSmall ?? false),
  purchaseCount: (w, p) => ({ had: p.purchaseCount, held: purchaseCountMatches(w, p) }),
  attribute: (w, p) => ({ had: p.attributes?.[w.name] ?? null, held: attributeMatches(w, p) }),
  tag: (w, p) => same(true, (p.tags ?? []).includes(w)),
  emailConsent: (w, p) => consentIs(w, channelConsent(p, 'email')),
  smsConsent: (w, p) => consentIs(w, channelConsent(p, 'sms')),
  topic: (w, p) => consentIs(w.consent, topicConsent(p, w.name)),
  lastEvent: (w, p) => (typeof w === 'string' ? same(w, p.lastEvent?.type ?? null) : lastEventMatch(w, p)),
  event: (w, _p, event) => eventMatch(w, event),
  mood: (w, p) => same(w, p.mood?.value ?? 'neutral'),
  nps: (w, p) => ({ had: p.feedback?.nps?.score ?? null, held: inRange(w, p.feedback?.nps?.score) }),
  relationship: (w, p) => ({ had: p.relationship?.score ?? null, held: inRange(w, p.relationship?.score) }),
};

/**
 * A latest event of this type whose properties have these values. What it had reads as the type and
 * the values of the properties tested, e.g. `product-viewed, category: boots`.
 */
function lastEventMatch(w: Exclude<Wanted<'lastEvent'>, string>, p: Profile): { had: Had; held: boolean } {
  const last = p.lastEvent;
  const wanted = Object.entries(w.properties ?? {});
  const had = (k: string) => last?.properties?.[k];
  return {
    had: last ? [last.type, ...wanted.map(([k]) => `${k}: ${String(had(k) ?? '(none)')}`)].join(', ') : null,
    held: last?.type === w.type && wanted.every(([k, v]) => had(k) === v),
  };
}

/**
 * The entry event's properties tested against their values, bounds or lists. What it had reads as the
 * values of the properties tested, e.g. `category: boots, price: 120`; null without an entry event.
 */
function eventMatch(w: Wanted<'event'>, event: Event): { had: Had; held: boolean } {
  const wanted = Object.entries(w);
  if (!event) return { had: null, held: false };
  const had = wanted.map(([k]) => `${k}: ${String(event[k] ?? '(none)')}`).join(', ');
  return { had, held: wanted.every(([k, t]) => propertyHolds(t, event[k])) };
}

/** A number as itself, a date as its instant (NaN for anything else, which no bound holds for). */
const ordinal = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN);

/** One property against its test; a property the event lacks holds no test. */
export function propertyHolds(t: PropertyTest, v: EntryEventProperties[string] | undefined): boolean {
  if (v === undefined) return false;
  if (typeof t !== 'object') return v === t;
  const x = ordinal(v);
  return (
    (t.in === undefined || t.in.includes(v)) &&
    (t.gt === undefined || x > ordinal(t.gt)) &&
    (t.gte === undefined || x >= ordinal(t.gte)) &&
    (t.lt === undefined || x < ordinal(t.lt)) &&
    (t.lte === undefined || x <= ordinal(t.lte))
  );
}

/** Every key a condition may test, in the order they are checked and shown. */
export const CONDITION_KEYS = Object.keys(TESTS) as Key[];

function check<K extends Key>(key: K, wanted: Wanted<K>, p: Profile, event: Event): ConditionCheck {
  const test = TESTS[key] as Test<K>;
  return { key, wanted, ...test(wanted, p, event) } as ConditionCheck;
}

/**
 * Each key present in the condition, tested against the customer (and the entry event's properties, for
 * an `event` test): the condition holds when all do.
 */
export function explainCondition(c: CustomerCondition, p: Profile, event?: Event): ConditionCheck[] {
  const checks: ConditionCheck[] = [];
  for (const key of CONDITION_KEYS) {
    const wanted = c[key];
    if (wanted !== undefined) checks.push(check(key, wanted, p, event));
  }
  return checks;
}

/**
 * The same tests as explainCondition, stopping at the first that fails and building nothing: for entry
 * rules, tested on every event for every journey, where no explanation is kept.
 */
export function conditionHolds(c: CustomerCondition, p: Profile, event?: Event): boolean {
  for (const key of CONDITION_KEYS) {
    const wanted = c[key];
    if (wanted !== undefined && !check(key, wanted, p, event).held) return false;
  }
  return true;
}

/** A branch path as evaluated: its name and its checks (none: a path with an empty condition always holds). */
export interface PathExplanation {
  name: string;
  checks: ConditionCheck[];
}

/** A split arm: the part [from, to) of [0, 100) whose customers take it. */
export interface SplitArm {
  name: string;
  from: number;
  to: number;
  percent: number;
  holdout: boolean;
}

/**
 * How a decision was made, stored with it so that "why" can say it later without the profile as it was.
 * A branch: the paths evaluated in order up to the one taken (all of them when none held and the default
 * was taken). A split: the customer's bucket and every arm's range.
 */
export type DecisionExplanation =
  | { kind: 'branch'; paths: PathExplanation[] }
  | {
      kind: 'split';
      bucket: number;
      arms: SplitArm[];
      /** The experiment's winner, recorded `since`, took this customer instead of their bucket's arm. */
      routed?: { winner: string; since: string };
    };

export const pathHeld = (p: PathExplanation): boolean => p.checks.every((c) => c.held);

/** The arms' ranges, accumulated exactly as pickSplitPath accumulates them. */
export function explainSplit(
  paths: readonly { name: string; percent: number; holdout: boolean }[],
  bucket: number,
  routed?: { winner: string; since: string },
): DecisionExplanation {
  let from = 0;
  const arms = paths.map((p) => {
    const arm = { name: p.name, from, to: from + p.percent, percent: p.percent, holdout: p.holdout };
    from = arm.to;
    return arm;
  });
  return { kind: 'split', bucket, arms, ...(routed && { routed }) };
}
