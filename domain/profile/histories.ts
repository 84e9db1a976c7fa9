import type { Channel } from '../config/ids';
import { instant } from '../time/instant';
import { IMPLIED } from './consent';
import type {
  Consent,
  ConsentChangeRecord,
  FeedbackRecord,
  Profile,
  Suppression,
  SuppressionChange,
} from './profile';

/**
 * How many entries each history keeps: the latest 20. The profile is one DynamoDB item, read and written
 * whole on every event (a write costs one unit per KB, a read one per 4 KB), so a history must not grow
 * with the customer's age. Measured: an entry is ~95 bytes (consent) to ~105 (feedback) of item size; at 50
 * each, both full took a 1.5 KB profile to 11.4 KB (12 write units a write instead of 2); at 20, ~6 KB.
 * Most profiles hold a handful of entries (a quarterly survey fills 20 in five years). What falls off the
 * end leaves the timeline (the event that made a change still shows, not what it said).
 */
export const HISTORY_CAP = 20;

const capped = <T>(entries: T[]): T[] => entries.slice(-HISTORY_CAP);

/**
 * The consent history with `changes` appended. A profile from before histories starts from its records on
 * file (the choices stated so far, not the implied one): they are the changes it has seen, and a timeline
 * built from the history alone would otherwise lose them as soon as one scope changes.
 */
export function withConsentChanges(profile: Profile, changes: ConsentChangeRecord[]): ConsentChangeRecord[] {
  return capped([...(profile.consentHistory ?? consentOnFile(profile.consent)), ...changes]);
}

/** The stated choices of `consent` as history entries (what an old profile's timeline shows). */
export function consentOnFile(consent: Consent): ConsentChangeRecord[] {
  const records = [
    ['email', consent.email] as const,
    ['sms', consent.sms] as const,
    ...Object.entries(consent.topics ?? {}).map(([t, r]) => [`topic:${t}` as const, r] as const),
  ];
  return records.flatMap(([scope, r]) =>
    r && r.source !== IMPLIED ? [{ scope, status: r.status, at: r.at, source: r.source }] : [],
  );
}

/**
 * The suppression history with `changes` appended; an older profile starts from its current marks. A
 * change is dated no earlier than the channel's latest entry: the dates given are when the address was
 * listed or the event happened, and either can precede what the profile already recorded (an event
 * arriving after a bounce it predates; a new address listed long ago), while a timeline sorted by time
 * must tell the changes in the order they were made, ending with the channel's state now.
 */
export function withSuppressionChanges(profile: Profile, changes: SuppressionChange[]): SuppressionChange[] {
  const history = [...(profile.suppressionHistory ?? suppressionsOnFile(profile.suppressed))];
  for (const change of changes) {
    const last = history.findLast((h) => h.channel === change.channel);
    history.push(last && instant(last.at) > instant(change.at) ? { ...change, at: last.at } : change);
  }
  return capped(history);
}

/** The current suppressions as history entries. */
export function suppressionsOnFile(suppressed: Profile['suppressed']): SuppressionChange[] {
  return Object.entries(suppressed ?? {}).flatMap(([channel, s]: [string, Suppression | undefined]) =>
    s ? [{ channel: channel as Channel, change: 'suppressed' as const, ...s }] : [],
  );
}

/**
 * The answers an older profile has on file (the latest nps and csat, with the sentiment, comment and mood
 * that came with them), to start its history from: the next answer of a kind replaces the one on file.
 * A complaint on file has no event id, and is left to the timeline's fallback.
 */
export function feedbackOnFile(p: Profile): FeedbackRecord[] {
  const f = p.feedback ?? {};
  const records = (['nps', 'csat'] as const).flatMap((kind) => {
    const d = f[kind];
    if (!d) return [];
    const { eventId, at, score } = d;
    const same = (x: { eventId: string } | undefined) => x?.eventId === eventId;
    return [
      {
        eventId,
        at,
        kind,
        score,
        ...(same(f.sentiment) && f.sentiment ? { sentiment: f.sentiment.label } : {}),
        ...(same(f.comment) ? { commented: true as const } : {}),
        ...(same(p.mood) && p.mood ? { mood: p.mood.value } : {}),
      },
    ];
  });
  return records.sort(byTime);
}

const byTime = (a: FeedbackRecord, b: FeedbackRecord) =>
  instant(a.at) - instant(b.at) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/**
 * The feedback history with `record` in its place by business time (events arrive in any order, and
 * every answer is history, not only the latest), keeping the latest HISTORY_CAP. The same event applied
 * again is already there: nothing is added twice.
 */
export function withFeedback(history: readonly FeedbackRecord[], record: FeedbackRecord): FeedbackRecord[] {
  if (history.some((r) => r.eventId === record.eventId)) return [...history];
  return capped([...history, record].sort(byTime));
}
