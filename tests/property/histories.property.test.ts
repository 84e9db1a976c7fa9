import fc from 'fast-check';
import { loadWorkflows } from '../../domain/config/load';
import type { FeedbackEvent } from '../../domain/events/schema';
import { applyEvent, newProfile } from '../../domain/lifecycle/apply';
import { applyConsent } from '../../domain/profile/consent';
import { consentOnFile } from '../../domain/profile/histories';
import type { Profile } from '../../domain/profile/profile';
import { WORKFLOWS_DIR } from '../support/paths';
import { profileTimeline } from '../support/timeline';

const { lifecycle } = loadWorkflows(WORKFLOWS_DIR);
const NOW = new Date('2026-12-01T00:00:00Z');
const day = fc.integer({ min: 1, max: 60 }).map((d) => new Date(Date.UTC(2026, 0, d)).toISOString());
const status = fc.constantFrom('subscribed' as const, 'unsubscribed' as const);
const timeline = profileTimeline;

describe('profile histories (property)', () => {
  it('consent, in any arrival order: the last change of a scope is its record, and each is shown once', () => {
    const change = fc.record({
      email: fc.option(status, { nil: undefined }),
      topic: fc.option(status, { nil: undefined }),
      at: day,
      source: fc.constantFrom('a', 'b'),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), (changes) => {
        let p = newProfile('c-1', lifecycle, NOW);
        for (const c of changes) {
          const topics = c.topic ? { offers: c.topic } : undefined;
          p = applyConsent(p, { email: c.email, topics }, c.at, c.source);
          // Applied again (a retry), nothing changes.
          expect(applyConsent(p, { email: c.email, topics }, c.at, c.source)).toBe(p);
        }
        const history = p.consentHistory ?? [];
        for (const { scope, ...record } of consentOnFile(p.consent))
          expect(history.findLast((h) => h.scope === scope)).toEqual({ scope, ...record });
        // Each entry is a change: never the status its scope already had.
        history.forEach((h, i) => {
          const previous = history.slice(0, i).findLast((o) => o.scope === h.scope);
          expect(previous?.status).not.toBe(h.status);
        });
        const shown = timeline(p).entries.flatMap((e) => (e.type === 'consent' ? [JSON.stringify(e)] : []));
        expect(new Set(shown).size).toBe(shown.length);
        expect(shown).toHaveLength(history.length);
      }),
      { numRuns: 200 },
    );
  });

  it('feedback, in any arrival order and with retries: every answer once, in business time', () => {
    const answer = fc.record({ n: fc.nat(9), at: day, score: fc.integer({ min: 0, max: 10 }) });
    fc.assert(
      fc.property(fc.array(answer, { maxLength: 12 }), (answers) => {
        const events = answers.map(({ n, at, score }): FeedbackEvent => ({
          eventId: `f-${n}`,
          type: 'feedback',
          customerId: 'c-1',
          at,
          survey: 'nps',
          score,
        }));
        let p: Profile | undefined;
        const applied = new Map<string, FeedbackEvent>();
        for (const e of events) {
          // A retry of an event id carries the same event (its first version is the one applied).
          const event = applied.get(e.eventId) ?? e;
          applied.set(e.eventId, event);
          p = applyEvent(p, event, lifecycle, NOW).profile;
        }
        const history = p?.feedbackHistory ?? [];
        expect(history.map((h) => h.eventId).sort()).toEqual([...applied.keys()].sort());
        const times = history.map((h) => Date.parse(h.at));
        expect(times).toEqual([...times].sort((a, b) => a - b));
        // The latest answer on file is in the history, with its score.
        const latest = p?.feedback?.nps;
        if (latest) expect(history.find((h) => h.eventId === latest.eventId)?.score).toBe(latest.score);
      }),
      { numRuns: 100 },
    );
  });
});
