import fc from 'fast-check';
import { DEFAULT_CONSENT_POLICY } from '../../domain/config/consent-modes';
import { loadWorkflows } from '../../domain/config/load';
import type { ProfileEvent } from '../../domain/events/schema';
import { DEFAULT_EVENT_TIME_WINDOW, eventTimeProblem } from '../../domain/events/time';
import { applyEvent, newProfile } from '../../domain/lifecycle/apply';
import { applyConsent, mayMarketOn, unsubscribeEmail } from '../../domain/profile/consent';
import type { ConsentStatus, Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';

/*
 * Ingest accepts event times up to maxFutureSkew ahead (a CRM or device clock running fast). Events keep
 * the order their source gave them, but no record on file outranks the customer's own click in Rapport,
 * made now (found by review: the one-click unsubscribe was ignored after an opt-in stamped 10 h ahead).
 */
const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const NOW = new Date('2026-11-22T10:00:00Z');
const HOUR = 3_600_000;
const ahead = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const customer = (): Profile => ({
  ...newProfile('c-1', lifecycle, NOW),
  email: 'li@example.com',
  version: 1,
});
const profileEvent = (at: string, email: ConsentStatus): ProfileEvent => ({
  eventId: 'e-1',
  type: 'profile',
  customerId: 'c-1',
  at,
  customer: { consent: { email } },
});
const mayEmail = (p: Profile) => mayMarketOn(p, 'email', DEFAULT_CONSENT_POLICY);

describe('consent dated ahead of its receipt', () => {
  it('an unsubscribe click after an opt-in event stamped 10 h ahead (accepted skew) is honoured', () => {
    const optInAt = ahead(10 * HOUR);
    expect(eventTimeProblem(optInAt, NOW, DEFAULT_EVENT_TIME_WINDOW)).toBeUndefined();
    const optedIn = applyEvent(customer(), profileEvent(optInAt, 'subscribed'), lifecycle, NOW).profile;
    expect(mayEmail(optedIn)).toBe(true);
    // On record as its source dated it: the evidence of the choice is not rewritten.
    expect(optedIn.consent.email).toMatchObject({ status: 'subscribed', at: optInAt });
    const clicked = unsubscribeEmail(optedIn, new Date(NOW.getTime() + 1000), 'unsubscribe-link');
    expect(mayEmail(clicked)).toBe(false);
  });

  it('two events of a source whose clock runs 10 min fast keep their own order, whatever order they arrive in', () => {
    const optOut = { ...profileEvent(ahead(10 * 60_000), 'unsubscribed'), eventId: 'e-out' };
    const earlierOptIn = { ...profileEvent(ahead(5 * 60_000), 'subscribed'), eventId: 'e-in' };
    const first = applyEvent(customer(), optOut, lifecycle, NOW).profile;
    const late = applyEvent(first, earlierOptIn, lifecycle, new Date(NOW.getTime() + 60_000)).profile;
    expect(mayEmail(late)).toBe(false);
  });

  it('a click at the same instant the opt-in arrived still opts out (at one instant an opt-out wins)', () => {
    const optedIn = applyEvent(customer(), profileEvent(ahead(HOUR), 'subscribed'), lifecycle, NOW).profile;
    expect(mayEmail(unsubscribeEmail(optedIn, NOW, 'unsubscribe-link'))).toBe(false);
  });

  it('a record on file dated ahead, however it came, does not outrank a click', () => {
    const stored = applyConsent(customer(), { email: 'subscribed' }, ahead(20 * HOUR), 'event:e-1');
    expect(stored.consent.email.at).toBe(ahead(20 * HOUR));
    const clicked = unsubscribeEmail(stored, NOW, 'unsubscribe-link');
    expect(mayEmail(clicked)).toBe(false);
    expect(clicked.version).toBe(stored.version + 1);
  });

  it('without a live choice, choices are ordered by their own times alone', () => {
    const later = applyConsent(customer(), { email: 'subscribed' }, ahead(HOUR), 'a');
    expect(applyConsent(later, { email: 'unsubscribed' }, NOW.toISOString(), 'b')).toBe(later);
  });

  it('property: whatever was said before, dated up to the skew ahead, a click at now opts out', () => {
    const said = fc.record({
      status: fc.constantFrom<ConsentStatus>('subscribed', 'unsubscribed'),
      offset: fc.integer({ min: -2 * 24 * HOUR, max: 24 * HOUR }),
      viaEvent: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(said, { minLength: 1, maxLength: 5 }), (choices) => {
        let p = customer();
        choices.forEach(({ status, offset, viaEvent }, i) => {
          const at = ahead(offset);
          p = viaEvent
            ? applyEvent(p, { ...profileEvent(at, status), eventId: `e-${i}` }, lifecycle, NOW).profile
            : applyConsent(p, { email: status }, at, `import-${i}`);
        });
        expect(mayEmail(unsubscribeEmail(p, NOW, 'unsubscribe-link'))).toBe(false);
      }),
    );
  });
});
