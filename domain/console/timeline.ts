import type { MessageRecord } from '../message-record';
import type {
  AwaitRecord,
  DecisionRecord,
  EventRecord,
  JourneyEntryRecord,
  StoredEvent,
  TombstoneRecord,
} from '../ports';
import { consentOnFile, suppressionsOnFile } from '../profile/histories';
import { withFoldedUpdates, type ExecutionHistory, type FoldedJourney } from './executions';
import type {
  ConsentChangeRecord,
  ConsentRecord,
  ConsentScope,
  Profile,
  StageChange,
  SuppressionChange,
} from '../profile/profile';

/**
 * What Rapport stores about one customer, as the store returns it: their partition's items sorted by
 * kind, and the tombstone an erasure left (kept apart, under a hash of the id).
 */
export interface CustomerItems {
  customerId: string;
  profile?: Profile;
  events: StoredEvent[];
  journeys: JourneyEntryRecord[];
  messages: MessageRecord[];
  decisions: DecisionRecord[];
  awaits: AwaitRecord[];
  tombstone?: TombstoneRecord;
  /** States each execution entered (Step Functions' history), when the caller read it. */
  executions?: ExecutionHistory[];
}

export type FeedbackKind = 'nps' | 'csat' | 'sentiment' | 'comment' | 'complaint' | 'mood';

/** One line of a customer's timeline; `at` is an ISO instant (business time where the record has one). */
export type TimelineEntry =
  | {
      type: 'event';
      at: string;
      eventId: string;
      eventType: string;
      receivedAt?: string;
      pending: boolean;
      /** An engagement event (email-opened…): the message it was about. */
      about?: EventRecord['about'];
    }
  | ({ type: 'stage' | 'tier' } & StageChange)
  | {
      type: 'journey-entry';
      at: string;
      journeyId: string;
      journeyVersion: number;
      executionName: string;
      executionArn: string;
      trigger: JourneyEntryRecord['trigger'];
    }
  | {
      type: 'conversion';
      at: string;
      journeyId: string;
      executionName: string;
      eventId: string;
      /** false: the event also converted another journey, and is counted for that one. */
      attributed?: boolean;
    }
  /** A higher-priority journey of its exclusive group stopped this execution. */
  | { type: 'preempted'; at: string; journeyId: string; executionName: string; by: JourneyRef }
  /** A `wait` group's entry waiting for the journeys `behind` to end (until `until` at most). */
  | {
      type: 'entry-waiting';
      at: string;
      journeyId: string;
      executionName: string;
      behind: JourneyRef[];
      until: string;
    }
  /** A waiting entry the group still held at its bound: never started. */
  | { type: 'wait-expired'; at: string; journeyId: string; executionName: string }
  /** The execution ended (Step Functions' status-change event). */
  | { type: 'journey-ended'; at: string; journeyId: string; executionName: string; status: string }
  /** An event would have started the journey; another journey of its exclusive group held the customer. */
  | { type: 'entry-held'; at: string; journeyId: string; eventId: string; by: JourneyRef }
  | { type: 'step'; at: string; journeyId: string; executionArn: string; state: string }
  | ({ type: 'decision' } & Omit<DecisionRecord, 'customerId'>)
  | { type: 'waiting'; at: string; journeyId: string; stepId: string; event: string; executionId: string }
  | { type: 'message'; at: string; message: MessageRecord }
  | {
      type: 'consent';
      at: string;
      scope: ConsentScope;
      status: ConsentRecord['status'];
      source: string;
      /** From a profile without (enough) history: the latest choice on file, earlier ones unknown. */
      latestOnly?: true;
    }
  | ({ type: 'suppression' } & SuppressionChange)
  | { type: 'feedback'; at: string; kind: FeedbackKind; value: string | number; eventId?: string }
  | { type: 'erasure'; at: string };

type JourneyRef = { journeyId: string; executionName: string };

export type TimelineEntryType = TimelineEntry['type'];

export interface Timeline {
  customerId: string;
  /** Oldest first; entries at the same instant in the order cause comes before effect (see RANK). */
  entries: TimelineEntry[];
}

/** At one instant, what caused comes first: the event, the stage it moved, the entry, then the sends. */
const RANK: Record<TimelineEntryType, number> = {
  erasure: 0,
  event: 1,
  consent: 2,
  suppression: 3,
  feedback: 4,
  stage: 5,
  tier: 6,
  // A journey's end frees its group: a waiting entry starts at that same instant, after it.
  'journey-ended': 7,
  'journey-entry': 8,
  'entry-held': 9,
  'entry-waiting': 10,
  'wait-expired': 11,
  preempted: 12,
  step: 13,
  decision: 14,
  waiting: 15,
  message: 16,
  conversion: 17,
};

/**
 * The customer's story from their stored items, oldest first. Pure: reads nothing, invents nothing.
 * `journeys`: the definitions whose update steps a send applied (see withFoldedUpdates).
 */
export function buildTimeline(items: CustomerItems, journeys: readonly FoldedJourney[] = []): Timeline {
  const executions = (items.executions ?? []).map((x) => withFoldedUpdates(x, journeys));
  const entries: TimelineEntry[] = [
    ...items.events.flatMap(eventEntries),
    ...(items.profile ? profileEntries(items.profile) : []),
    ...items.journeys.flatMap(journeyEntries),
    ...executions.flatMap((x) =>
      x.states.map((s) => ({
        type: 'step' as const,
        at: s.at,
        journeyId: x.journeyId,
        executionArn: x.executionArn,
        state: s.name,
      })),
    ),
    ...items.decisions.map(({ customerId: _c, ...d }) => ({ type: 'decision' as const, ...d })),
    ...items.awaits.map((a) => ({
      type: 'waiting' as const,
      at: a.since,
      journeyId: a.journeyId,
      stepId: a.stepId,
      event: a.event,
      executionId: a.executionId,
    })),
    ...items.messages.map((m) => ({ type: 'message' as const, at: m.createdAt, message: m })),
    ...(items.tombstone ? [{ type: 'erasure' as const, at: items.tombstone.erasedAt }] : []),
  ];
  const order = entries.map((entry, i) => ({ entry, i, ms: Date.parse(entry.at) }));
  order.sort((a, b) => a.ms - b.ms || RANK[a.entry.type] - RANK[b.entry.type] || a.i - b.i);
  return { customerId: items.customerId, entries: afterTheirSteps(order.map((o) => o.entry)) };
}

/**
 * A message or decision made at the instant its step was entered goes right after that step, not after
 * every state entered at that instant (on virtual time, or within one clock tick, many states share one).
 */
function afterTheirSteps(entries: TimelineEntry[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const e of entries) {
    const of = e.type === 'message' ? e.message : e.type === 'decision' ? e : undefined;
    const step = of
      ? out.findLastIndex(
          (s) =>
            s.type === 'step' &&
            s.state === of.stepId &&
            s.executionArn === of.executionId &&
            Date.parse(s.at) === Date.parse(e.at),
        )
      : -1;
    if (step < 0) out.push(e);
    else out.splice(step + 1, 0, e);
  }
  return out;
}

function eventEntries(e: StoredEvent): TimelineEntry[] {
  const base = { type: 'event' as const, at: e.at, eventId: e.eventId, eventType: e.type };
  if (e.state === 'claimed') return [{ ...base, pending: true }];
  const held = (e.skippedEntries ?? []).map((k): TimelineEntry => ({
    type: 'entry-held',
    at: e.at,
    journeyId: k.journeyId,
    eventId: e.eventId,
    by: k.by,
  }));
  const about = e.about ? { about: e.about } : {};
  return [{ ...base, receivedAt: e.receivedAt, pending: false, ...about }, ...held];
}

function journeyEntries(j: JourneyEntryRecord): TimelineEntry[] {
  const { journeyId, executionName } = j;
  const wait = j.waiting ?? j.waited;
  const waited: TimelineEntry[] = wait
    ? [
        {
          type: 'entry-waiting',
          at: wait.since,
          journeyId,
          executionName,
          behind: wait.behind,
          until: wait.until,
        },
      ]
    : [];
  if (j.waiting) return waited;
  if (j.waited?.outcome === 'expired')
    return [...waited, { type: 'wait-expired', at: j.waited.at, journeyId, executionName }];
  const ended: TimelineEntry[] = j.ended
    ? [{ type: 'journey-ended', at: j.ended.at, journeyId, executionName, status: j.ended.status }]
    : [];
  return [...waited, ...entryAndAfter(j), ...ended];
}

function entryAndAfter(j: JourneyEntryRecord): TimelineEntry[] {
  const entry: TimelineEntry = {
    type: 'journey-entry',
    at: j.enteredAt,
    journeyId: j.journeyId,
    journeyVersion: j.journeyVersion,
    executionName: j.executionName,
    executionArn: j.executionArn,
    trigger: j.trigger,
  };
  const { journeyId, executionName } = j;
  const stopped: TimelineEntry[] = j.stopped
    ? [{ type: 'preempted', at: j.stopped.at, journeyId, executionName, by: j.stopped.by }]
    : [];
  if (!j.converted) return [entry, ...stopped];
  const { eventId, at, attributed } = j.converted;
  const counted = attributed === false ? { attributed } : {};
  return [entry, ...stopped, { type: 'conversion', at, journeyId, executionName, eventId, ...counted }];
}

/**
 * What the profile holds with a date: its histories (stage, tier, consent, suppression, feedback), and,
 * for a profile older than these histories or one whose history was capped past them, the latest consent
 * choices, suppressions and feedback it still has on file that no history entry already shows.
 */
function profileEntries(p: Profile): TimelineEntry[] {
  return [
    ...p.stageHistory.map((c) => ({ type: 'stage' as const, ...c })),
    ...p.tierHistory.map((c) => ({ type: 'tier' as const, ...c })),
    ...consentEntries(p),
    ...suppressionEntries(p),
    ...feedbackEntries(p),
  ];
}

function consentEntries(p: Profile): TimelineEntry[] {
  const history = p.consentHistory ?? [];
  const shown = (r: ConsentChangeRecord) =>
    history.some(
      (h) => h.scope === r.scope && h.at === r.at && h.status === r.status && h.source === r.source,
    );
  return [
    ...history.map((h) => ({ type: 'consent' as const, ...h })),
    // The implied consent of first contact is no choice (consentOnFile leaves it out): only stated ones.
    ...consentOnFile(p.consent)
      .filter((r) => !shown(r))
      .map((r) => ({ type: 'consent' as const, ...r, latestOnly: true as const })),
  ];
}

function suppressionEntries(p: Profile): TimelineEntry[] {
  const history = p.suppressionHistory ?? [];
  // A mark on file is shown when its channel's latest change is that mark (its date may have been moved
  // later in the history: see withSuppressionChanges).
  const shown = (s: SuppressionChange) => {
    const last = history.findLast((h) => h.channel === s.channel);
    return (
      last?.change === 'suppressed' &&
      s.change === 'suppressed' &&
      last.reason === s.reason &&
      last.source === s.source
    );
  };
  return [...history, ...suppressionsOnFile(p.suppressed).filter((s) => !shown(s))].map((s) => ({
    type: 'suppression' as const,
    ...s,
  }));
}

/** A comment's words are kept for the latest only: older ones say that there was one. */
export const EARLIER_COMMENT = 'a comment (its text is kept for the latest only)';

function feedbackEntries(p: Profile): TimelineEntry[] {
  const f = p.feedback;
  const entry = (
    kind: FeedbackKind,
    d: { at: string; eventId?: string } | undefined,
    value?: string | number,
  ) =>
    d && value !== undefined
      ? [{ type: 'feedback' as const, at: d.at, kind, value, eventId: d.eventId }]
      : [];
  const fromHistory = (p.feedbackHistory ?? []).flatMap((r) => [
    ...entry(r.kind, r, r.kind === 'complaint' ? 'complaint' : r.score),
    ...entry('sentiment', r, r.sentiment),
    ...(r.commented
      ? entry('comment', r, f?.comment?.eventId === r.eventId ? f.comment.text : EARLIER_COMMENT)
      : []),
    ...entry('mood', r, r.mood),
  ]);
  // A complaint on file has no event id: its time says which it was.
  const shown = (e: { kind: FeedbackKind; at: string; eventId?: string }) =>
    fromHistory.some(
      (h) => h.kind === e.kind && (e.eventId === undefined ? h.at === e.at : h.eventId === e.eventId),
    );
  const onFile = [
    ...entry('nps', f?.nps, f?.nps?.score),
    ...entry('csat', f?.csat, f?.csat?.score),
    ...entry('sentiment', f?.sentiment, f?.sentiment?.label),
    ...entry('comment', f?.comment, f?.comment?.text),
    ...(f?.lastComplaintAt ? entry('complaint', { at: f.lastComplaintAt }, 'complaint') : []),
    ...entry('mood', p.mood, p.mood?.value),
  ];
  return [...fromHistory, ...onFile.filter((e) => !shown(e))];
}

/** True when the execution a message or decision names (its ARN) is the one a journey entry started. */
export function sameExecution(executionId: string, entry: { executionArn: string; executionName: string }) {
  return executionId === entry.executionArn || executionId.endsWith(`:${entry.executionName}`);
}

/** Every entry type, for exhaustive tests and renderers. */
export const TIMELINE_ENTRY_TYPES = Object.keys(RANK) as TimelineEntryType[];

/** The message entries' key, for looking one up. */
export function messageOf(timeline: Timeline, messageKey: string): MessageRecord | undefined {
  for (const e of timeline.entries)
    if (e.type === 'message' && e.message.messageKey === messageKey) return e.message;
  return undefined;
}
