import { assertNever } from '../assert-never';
import { CONDITION_KEYS } from './explain';
import type { CustomerCondition, PropertyTest } from './step-inputs';

type Key = keyof CustomerCondition;

/** One key of a condition and what it wants, without what a customer had (the graph has no customer). */
export type WantedCheck = { [K in Key]-?: { key: K; wanted: NonNullable<CustomerCondition[K]> } }[Key];

/** A condition's bounds exactly as written: rounding them could show a value on the wrong side. */
export function rangeWords(r: { min?: number | undefined; max?: number | undefined }): string {
  if (r.min !== undefined && r.max !== undefined) return `${r.min}–${r.max}`;
  if (r.min !== undefined) return `≥ ${r.min}`;
  if (r.max !== undefined) return `≤ ${r.max}`;
  return 'any';
}

const oneOfWords = (w: string | readonly string[]) =>
  typeof w === 'string' ? `is ${w}` : `in ${w.join(', ')}`;

const consentWords = (w: string | readonly string[]) => (typeof w === 'string' ? w : `in ${w.join(', ')}`);

/**
 * What one check wants, e.g. `purchaseCount ≥ 2` or `tier in vip, gold`: the one wording of conditions,
 * shared by the console's "why" (explain-words.ts) and the journey graph, so both say a condition alike.
 */
export function wantedWords(c: WantedCheck): string {
  switch (c.key) {
    case 'stage':
    case 'tier':
      return `${c.key} ${oneOfWords(c.wanted)}`;
    case 'firstPurchaseSmall':
      return `firstPurchaseSmall is ${c.wanted}`;
    case 'purchaseCount':
    case 'nps':
    case 'relationship':
      return `${c.key} ${rangeWords(c.wanted)}`;
    case 'attribute': {
      const { name, equals, min, max } = c.wanted;
      const eq = equals === undefined ? '' : ` = ${JSON.stringify(equals)}`;
      const range = min === undefined && max === undefined ? '' : ` ${rangeWords({ min, max })}`;
      if (!eq && !range) return `attribute ${name} present`;
      return `attribute ${name}${eq}${eq && range ? ' and' : ''}${range}`;
    }
    case 'tag':
      return `tag ${c.wanted}`;
    case 'emailConsent':
      return `email consent ${consentWords(c.wanted)}`;
    case 'smsConsent':
      return `sms consent ${consentWords(c.wanted)}`;
    case 'topic':
      return `topic ${c.wanted.name} consent ${consentWords(c.wanted.consent)}`;
    case 'lastEvent':
      return `last event ${lastEventWords(c.wanted)}`;
    case 'event':
      return `event ${Object.entries(c.wanted)
        .map(([name, t]) => `${name} ${propertyTestWords(t)}`)
        .join(', ')}`;
    case 'mood':
      return `mood ${c.wanted}`;
    default:
      return assertNever(c);
  }
}

/** A whole condition in words, its checks in the order they are tested: `tier is vip and purchaseCount ≥ 2`. */
export function conditionWords(c: CustomerCondition): string {
  const parts: string[] = [];
  for (const key of CONDITION_KEYS) {
    const wanted = c[key];
    if (wanted !== undefined) parts.push(wantedWords({ key, wanted } as WantedCheck));
  }
  return parts.length === 0 ? 'always' : parts.join(' and ');
}

/** `product-viewed` or `product-viewed with category: shoes` (the property form of a lastEvent condition). */
function lastEventWords(w: Extract<WantedCheck, { key: 'lastEvent' }>['wanted']): string {
  if (typeof w === 'string') return w;
  const props = Object.entries(w.properties ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return props.length ? `${w.type} with ${props.join(', ')}` : w.type;
}

const BOUND_WORDS = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;

/** `= "shoes"`, `in "boots", "shoes"` or `≥ 100 and < 500` (bounds as written). */
function propertyTestWords(t: PropertyTest): string {
  if (typeof t !== 'object') return `= ${JSON.stringify(t)}`;
  const parts = t.in ? [`in ${t.in.map((v) => JSON.stringify(v)).join(', ')}`] : [];
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    const bound = t[op];
    if (bound !== undefined) parts.push(`${BOUND_WORDS[op]} ${bound}`);
  }
  return parts.join(' and ');
}
