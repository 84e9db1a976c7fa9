import fc from 'fast-check';
import { DEFAULT_CONSENT_POLICY } from '../../domain/config/consent-modes';
import { loadWorkflows } from '../../domain/config/load';
import { applyEvent, newProfile } from '../../domain/lifecycle/apply';
import { reachOn } from '../../domain/messages/policy';
import { applyConsent, channelConsent } from '../../domain/profile/consent';
import type { Profile } from '../../domain/profile/profile';
import { instant } from '../../domain/time/instant';
import { WORKFLOWS_DIR } from '../support/paths';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const NOW = new Date('2026-11-22T10:00:00Z');
const marketing = { category: 'marketing' as const, topic: 'offers' };

/**
 * One consent choice as it reaches Rapport: an event's `customer.consent` or the preference centre, at a
 * business time spelled with or without milliseconds (a few seconds apart, so that times tie).
 */
const statementArb = fc.record({
  channel: fc.constantFrom('email' as const, 'sms' as const),
  status: fc.constantFrom('subscribed' as const, 'unsubscribed' as const),
  second: fc.integer({ min: 0, max: 5 }),
  millis: fc.boolean(),
  via: fc.constantFrom('event' as const, 'preference-centre' as const),
});
type Statement = typeof statementArb extends fc.Arbitrary<infer T> ? T : never;

const timeOf = (s: Statement) => `2026-11-20T10:00:0${s.second}${s.millis ? '.000' : ''}Z`;

/** The customer's latest word on a channel among those given: at one instant, an opt-out. */
function latestWord(statements: Statement[], channel: 'email' | 'sms') {
  const said = statements.filter((s) => s.channel === channel);
  if (said.length === 0) return 'unknown';
  const last = Math.max(...said.map((s) => instant(timeOf(s))));
  const atLast = said.filter((s) => instant(timeOf(s)) === last);
  return atLast.some((s) => s.status === 'unsubscribed') ? 'unsubscribed' : 'subscribed';
}

function apply(p: Profile, s: Statement, n: number): Profile {
  const change = { [s.channel]: s.status };
  if (s.via === 'preference-centre') return applyConsent(p, change, timeOf(s), 'preference-centre');
  const event = { eventId: `e-${n}`, type: 'profile' as const, customerId: 'c-1', at: timeOf(s) };
  return applyEvent(p, { ...event, customer: { consent: change } }, lifecycle, NOW).profile;
}

describe('consent in any arrival order (property)', () => {
  it('the record is the latest word said; no marketing SMS without an explicit opt-in under the default policy', () => {
    const arrivals = fc
      .array(statementArb, { minLength: 1, maxLength: 8 })
      .chain((statements) => fc.shuffledSubarray(statements, { minLength: statements.length }));
    fc.assert(
      fc.property(arrivals, (statements) => {
        let p: Profile = { ...newProfile('c-1', lifecycle, NOW), phone: '+8613800138000' };
        statements.forEach((s, i) => {
          p = apply(p, s, i);
          const soFar = statements.slice(0, i + 1);
          expect(channelConsent(p, 'sms')).toBe(latestWord(soFar, 'sms'));
          expect(channelConsent(p, 'email')).toBe(latestWord(soFar, 'email'));
          const texted = reachOn(p, 'sms', marketing, new Set(), DEFAULT_CONSENT_POLICY).ok;
          expect(texted).toBe(latestWord(soFar, 'sms') === 'subscribed');
        });
      }),
      { numRuns: 500 },
    );
  });
});
