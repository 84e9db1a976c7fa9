import { createHash } from 'node:crypto';
import { attributeMatches, inRange, purchaseCountMatches } from '../profile/matchers';
import { channelConsent, topicConsent } from '../profile/consent';
import type { Profile } from '../profile/profile';
import type { CustomerCondition } from './step-inputs';

const oneOf = (wanted: string | string[], actual: string) =>
  Array.isArray(wanted) ? wanted.includes(actual) : wanted === actual;

/** Does a branch condition hold for this customer? Every key present must hold. */
export function customerMatches(c: CustomerCondition, p: Profile): boolean {
  if (c.stage !== undefined && !oneOf(c.stage, p.stage)) return false;
  if (c.tier !== undefined && !oneOf(c.tier, p.tier)) return false;
  if (c.firstPurchaseSmall !== undefined && (p.firstPurchaseSmall ?? false) !== c.firstPurchaseSmall)
    return false;
  if (c.purchaseCount && !purchaseCountMatches(c.purchaseCount, p)) return false;
  if (c.attribute && !attributeMatches(c.attribute, p)) return false;
  if (c.tag !== undefined && !(p.tags ?? []).includes(c.tag)) return false;
  if (c.emailConsent !== undefined && channelConsent(p, 'email') !== c.emailConsent) return false;
  if (c.smsConsent !== undefined && channelConsent(p, 'sms') !== c.smsConsent) return false;
  if (c.topic && topicConsent(p, c.topic.name) !== c.topic.consent) return false;
  if (c.lastEvent !== undefined && p.lastEvent?.type !== c.lastEvent) return false;
  if (c.mood !== undefined && (p.mood?.value ?? 'neutral') !== c.mood) return false;
  if (c.nps && !inRange(c.nps, p.feedback?.nps?.score)) return false;
  if (c.relationship && !inRange(c.relationship, p.relationship?.score)) return false;
  return true;
}

/**
 * A customer's place in [0, 100) for a split: random across customers, fixed for each (a hash of the
 * journey, the step and the customer), so a re-run or a retry never moves anyone to another path.
 */
export function splitBucket(journeyId: string, stepId: string, customerId: string): number {
  const digest = createHash('sha256').update(`${journeyId}\u0000${stepId}\u0000${customerId}`).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}

export function pickSplitPath<P extends { name: string; percent: number }>(
  paths: readonly P[],
  bucket: number,
): P {
  let upTo = 0;
  for (const p of paths) {
    upTo += p.percent;
    if (bucket < upTo) return p;
  }
  return paths[paths.length - 1]!;
}
