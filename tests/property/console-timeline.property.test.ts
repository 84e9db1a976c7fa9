import fc from 'fast-check';
import { buildTimeline } from '../../domain/console/timeline';
import { why } from '../../domain/console/why';
import type { MessageRecord } from '../../domain/message-record';
import { SKIP_REASONS } from '../../domain/message-record';
import type { EventRecord, JourneyEntryRecord } from '../../domain/ports';

/** Instants with and without milliseconds, as records written by different code paths hold them. */
const instant = fc
  .integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') })
  .chain((ms) =>
    fc.constantFrom(new Date(ms).toISOString(), new Date(ms - (ms % 1000)).toISOString().replace('.000', '')),
  );

const eventArb = fc.record({ eventId: fc.uuid(), at: instant }).map(({ eventId, at }): EventRecord => ({
  customerId: 'c',
  eventId,
  type: 'purchase',
  at,
  state: 'done',
  receivedAt: at,
  stageChanges: [],
  tierChanges: [],
  conversions: [],
  executions: [],
}));
const entryArb = fc
  .record({ n: fc.nat(3), at: instant, trigger: fc.uuid() })
  .map(({ n, at, trigger }): JourneyEntryRecord => ({
    customerId: 'c',
    journeyId: 'j',
    journeyVersion: 1,
    executionName: `x-${n}`,
    executionArn: `arn:x:x-${n}`,
    enteredAt: at,
    trigger: { eventId: trigger, eventType: 'purchase', at },
  }));
const messageArb = fc
  .record({
    key: fc.uuid(),
    n: fc.nat(3),
    at: instant,
    status: fc.constantFrom('sent', 'skipped', 'deferred' as const),
    reason: fc.constantFrom(...SKIP_REASONS),
  })
  .map(({ key, n, at, status, reason }): MessageRecord => ({
    customerId: 'c',
    messageKey: key,
    journeyId: 'j',
    journeyVersion: 1,
    stepId: 's',
    executionId: `arn:x:x-${n}`,
    channel: 'email',
    template: 't',
    category: 'marketing',
    createdAt: at,
    ...(status === 'sent' ? { status, sentAt: at } : { status, reason }),
  }));

describe('buildTimeline (property)', () => {
  it('is sorted oldest first, keeps every record exactly once, and explains every message', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(eventArb, { selector: (e) => e.eventId, maxLength: 6 }),
        fc.uniqueArray(entryArb, { selector: (e) => e.executionName, maxLength: 4 }),
        fc.uniqueArray(messageArb, { selector: (m) => m.messageKey, maxLength: 8 }),
        (events, journeys, messages) => {
          const timeline = buildTimeline({
            customerId: 'c',
            events,
            journeys,
            messages,
            decisions: [],
            awaits: [],
          });
          const times = timeline.entries.map((e) => Date.parse(e.at));
          expect(times).toEqual([...times].sort((a, b) => a - b));
          expect(timeline.entries).toHaveLength(events.length + journeys.length + messages.length);
          const keys = timeline.entries.flatMap((e) => (e.type === 'message' ? [e.message.messageKey] : []));
          expect(keys.sort()).toEqual(messages.map((m) => m.messageKey).sort());
          for (const m of messages) {
            const answer = why(timeline, m.messageKey);
            expect(answer?.message).toBe(m);
            expect(answer?.entry?.executionArn).toBe(
              journeys.some((j) => j.executionArn === m.executionId) ? m.executionId : undefined,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
