import { memoryStarter, memoryStore } from '../../adapters/memory/stores';
import { fixedClock } from '../../domain/clock';
import type { TimelineEntry } from '../../domain/console/timeline';
import { timelineLines } from '../../domain/console/describe';
import { loadWorkflows } from '../../domain/config/load';
import { eraseCustomer } from '../../domain/erase';
import type { ComplaintEvent, FeedbackEvent, ProfileEvent } from '../../domain/events/schema';
import { applyEvent, newProfile } from '../../domain/lifecycle/apply';
import { checkAddresses } from '../../domain/messages/address-check';
import { suppressionKey } from '../../domain/messages/policy';
import { applyConsent, suppressChannel, unsubscribeEmail } from '../../domain/profile/consent';
import { HISTORY_CAP } from '../../domain/profile/histories';
import type { Profile } from '../../domain/profile/profile';
import { addFeedback } from '../../domain/profile/relationship';
import { WORKFLOWS_DIR } from '../support/paths';
import { profileTimeline } from '../support/timeline';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const NOW = new Date('2026-06-01T00:00:00Z');
const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();
const fresh = (): Profile => ({ ...newProfile('c-1', lifecycle, NOW), email: 'li@example.com', version: 1 });
const bounce = (at: string) => ({ reason: 'bounce' as const, at, source: `ses:${at}` });
const entries = (p: Profile, type: TimelineEntry['type']) =>
  profileTimeline(p).entries.filter((e) => e.type === type);

describe('consent history', () => {
  it('appends each change of a record, in the same profile the change is written in', () => {
    let p = applyConsent(fresh(), { email: 'unsubscribed', topics: { offers: 'unsubscribed' } }, day(1), 'a');
    p = applyConsent(p, { email: 'subscribed' }, day(2), 'b');
    expect(p.consentHistory).toEqual([
      { scope: 'email', status: 'unsubscribed', at: day(1), source: 'a' },
      { scope: 'topic:offers', status: 'unsubscribed', at: day(1), source: 'a' },
      { scope: 'email', status: 'subscribed', at: day(2), source: 'b' },
    ]);
    // The implied consent of first contact is no change.
    expect(fresh().consentHistory).toBeUndefined();
  });

  it('the same choice again, or one older than the record, changes no record and is not history', () => {
    const p = applyConsent(fresh(), { sms: 'unsubscribed' }, day(5), 'a');
    // The same choice later keeps the record's date and source (the evidence) and only notes that it was
    // said again (see consent-order.property.test.ts: otherwise a late older opt-in would override it).
    const again = applyConsent(p, { sms: 'unsubscribed' }, day(6), 'again');
    expect(again.consent.sms).toEqual({ ...p.consent.sms, confirmedAt: day(6) });
    expect(again.consentHistory).toEqual(p.consentHistory);
    expect(applyConsent(again, { sms: 'unsubscribed' }, day(6), 'again')).toBe(again);
    expect(applyConsent(again, { sms: 'subscribed' }, day(5), 'late')).toBe(again);
    expect(applyConsent(p, { sms: 'subscribed' }, day(4), 'late')).toBe(p);
    const once = unsubscribeEmail(p, NOW, 'link');
    expect(unsubscribeEmail(once, NOW, 'link')).toBe(once);
    expect(once.consentHistory?.filter((h) => h.scope === 'email')).toHaveLength(1);
  });

  it(`keeps the latest ${HISTORY_CAP}; the last entry of a scope is its record`, () => {
    let p = fresh();
    for (let d = 1; d <= HISTORY_CAP + 10; d++)
      p = applyConsent(p, { email: d % 2 ? 'unsubscribed' : 'subscribed' }, day(d), `s-${d}`);
    expect(p.consentHistory).toHaveLength(HISTORY_CAP);
    expect(p.consentHistory?.[0]?.source).toBe('s-11');
    const { scope: _scope, ...last } = p.consentHistory!.at(-1)!;
    expect(last).toEqual(p.consent.email);
  });

  it('an older profile starts its history from the choices it has on file', () => {
    const old: Profile = {
      ...fresh(),
      consent: { ...fresh().consent, sms: { status: 'unsubscribed', at: day(1), source: 'old' } },
    };
    const p = applyConsent(old, { email: 'unsubscribed' }, day(2), 'new');
    expect(p.consentHistory?.map((h) => `${h.scope}:${h.source}`)).toEqual(['sms:old', 'email:new']);
  });
});

describe('suppression history', () => {
  it('a mark once (the second changes nothing), a lift on a new address, a mark again', () => {
    const marked = suppressChannel(fresh(), 'email', bounce(day(3)), NOW);
    expect(suppressChannel(marked, 'email', bounce(day(4)), NOW)).toBe(marked);
    const moved: ProfileEvent = {
      eventId: 'new-address',
      type: 'profile',
      customerId: 'c-1',
      // Older than the bounce, arriving after it: the lift is not dated before the mark it lifts.
      at: day(2),
      customer: { email: 'li@new.example' },
    };
    const lifted = applyEvent(marked, moved, lifecycle, NOW).profile;
    expect(lifted.suppressed?.email).toBeUndefined();
    const listed = {
      key: suppressionKey('email', 'li@new.example'),
      channel: 'email' as const,
      ...bounce(day(1)),
    };
    const again = checkAddresses(lifted, { email: listed.key }, [listed]);
    expect(again.suppressionHistory).toEqual([
      { channel: 'email', change: 'suppressed', ...bounce(day(3)) },
      { channel: 'email', change: 'lifted', at: day(3), source: 'event:new-address' },
      { channel: 'email', change: 'suppressed', reason: 'bounce', at: day(3), source: listed.source },
    ]);
    // Sorted by time, the timeline ends where the channel is: suppressed.
    expect(entries(again, 'suppression').map((e) => e.type === 'suppression' && e.change)).toEqual([
      'suppressed',
      'lifted',
      'suppressed',
    ]);
  });
});

const nps = (score: number, at: string, comment?: string): FeedbackEvent => ({
  eventId: `nps-${at}`,
  type: 'feedback',
  customerId: 'c-1',
  at,
  survey: 'nps',
  score,
  ...(comment ? { comment, sentiment: 'negative' as const } : {}),
});

describe('feedback history', () => {
  const complaint: ComplaintEvent = {
    eventId: 'k-1',
    type: 'complaint',
    customerId: 'c-1',
    at: day(9),
    text: 'rude',
  };
  const fold = (events: (FeedbackEvent | ComplaintEvent)[]) =>
    events.reduce((p, e) => applyEvent(p, e, lifecycle, NOW).profile, fresh());

  it('every answer, in business time, the late one too; no customer words in it', () => {
    const p = fold([nps(9, day(5)), complaint, nps(2, day(3), 'too slow')]);
    expect(p.feedback?.nps?.score).toBe(9);
    expect(p.feedbackHistory).toEqual([
      {
        eventId: `nps-${day(3)}`,
        at: day(3),
        kind: 'nps',
        score: 2,
        sentiment: 'negative',
        commented: true,
        mood: 'unhappy',
      },
      { eventId: `nps-${day(5)}`, at: day(5), kind: 'nps', score: 9, mood: 'happy' },
      { eventId: 'k-1', at: day(9), kind: 'complaint', commented: true, mood: 'unhappy' },
    ]);
    expect(JSON.stringify(p.feedbackHistory)).not.toMatch(/rude|too slow/);
  });

  it('the same event applied again is not added twice', () => {
    const p = fold([nps(9, day(5))]);
    addFeedback(p, nps(9, day(5)), lifecycle.care);
    expect(p.feedbackHistory).toHaveLength(1);
  });

  it(`keeps the latest ${HISTORY_CAP} by business time`, () => {
    const events = Array.from({ length: HISTORY_CAP + 5 }, (_, i) => nps(8, day(HISTORY_CAP + 5 - i)));
    const p = fold(events);
    expect(p.feedbackHistory).toHaveLength(HISTORY_CAP);
    expect(p.feedbackHistory?.[0]?.at).toBe(day(6));
    // An answer older than all kept ones falls off at once.
    addFeedback(p, nps(1, day(1)), lifecycle.care);
    expect(p.feedbackHistory?.[0]?.at).toBe(day(6));
  });

  it('on the timeline: every answer; the latest comment in words, earlier ones only as a comment', () => {
    const p = fold([nps(2, day(3), 'too slow'), nps(1, day(4), 'still slow')]);
    const lines = timelineLines(entries(p, 'feedback'));
    expect(lines.filter((l) => / nps: /.test(l))).toHaveLength(2);
    expect(lines).toContain(
      `${day(3)}  feedback comment: a comment (its text is kept for the latest only) (event nps-${day(3)})`,
    );
    expect(lines).toContain(`${day(4)}  feedback comment: still slow (event nps-${day(4)})`);
    expect(lines.filter((l) => / mood: /.test(l))).toHaveLength(2);
  });
});

describe('the timeline from histories and from what is on file', () => {
  it('shows each consent change once, the latest on file marked only when no history shows it', () => {
    const withHistory = applyConsent(
      applyConsent(fresh(), { sms: 'unsubscribed' }, day(1), 'a'),
      { sms: 'subscribed' },
      day(2),
      'b',
    );
    expect(timelineLines(entries(withHistory, 'consent'))).toEqual([
      `${day(1)}  consent sms: unsubscribed (from a)`,
      `${day(2)}  consent sms: subscribed (from b)`,
    ]);
    const { consentHistory: _h, ...old } = withHistory;
    expect(timelineLines(entries(old, 'consent'))).toEqual([
      `${day(2)}  consent sms: subscribed (from b; the latest choice only)`,
    ]);
  });

  it('an older profile after its first new feedback: the answer on file and the new one, once each', () => {
    const old = fold1(nps(3, day(2), 'meh'));
    const { feedbackHistory: _h, ...noHistory } = old;
    const next = applyEvent(noHistory, nps(9, day(4)), lifecycle, NOW).profile;
    const kinds = entries(next, 'feedback').map((e) =>
      e.type === 'feedback' ? `${e.kind}:${e.eventId}` : '',
    );
    expect(kinds).toEqual([
      `nps:nps-${day(2)}`,
      `sentiment:nps-${day(2)}`,
      `comment:nps-${day(2)}`,
      `mood:nps-${day(2)}`,
      `nps:nps-${day(4)}`,
      `mood:nps-${day(4)}`,
    ]);
  });
});

function fold1(event: FeedbackEvent): Profile {
  return applyEvent(fresh(), event, lifecycle, NOW).profile;
}

describe('erasure', () => {
  it('takes the histories with the profile; a user sharing the address is marked without a name', async () => {
    const store = memoryStore();
    const clock = fixedClock('2026-06-01T00:00:00Z');
    const shared = { ...fresh(), customerId: 'c-2' };
    const p = suppressChannel(
      unsubscribeEmail(fold1(nps(2, day(3), 'slow')), NOW, 'link'),
      'sms',
      bounce(day(4)),
      NOW,
    );
    await store.putProfile({ ...p, phone: '+8613800138000', version: 1 });
    await store.putProfile(shared);
    await store.rememberAddress(suppressionKey('email', 'li@example.com'), 'c-2');
    await eraseCustomer('c-1', { store, starter: memoryStarter(), clock });
    expect(await store.getProfile('c-1')).toBeUndefined();
    const other = await store.getProfile('c-2');
    expect(other?.suppressionHistory).toEqual([
      {
        channel: 'email',
        change: 'suppressed',
        reason: 'erased',
        at: clock.now().toISOString(),
        source: 'erasure',
      },
    ]);
    expect(JSON.stringify(other)).not.toContain('c-1');
  });
});
