import { assertNever } from '../assert-never';
import type { MessageRecord } from '../message-record';
import { causeWords, decisionWords, messageWords, SKIP_WORDS, triggerWords } from './describe';
import { explanationLines } from './explain-words';
import { sameExecution, type Timeline, type TimelineEntry } from './timeline';

type Of<T extends TimelineEntry['type']> = Extract<TimelineEntry, { type: T }>;

/** The chain behind one message: what started its journey, what it passed on the way, what came of it. */
export interface Why {
  message: MessageRecord;
  /** The journey entry whose execution produced the message; absent if the entry is not stored. */
  entry?: Of<'journey-entry'>;
  /** The event that started the entry, when it is a stored event (not a timer or a date). */
  triggerEvent?: Of<'event'>;
  /** Stage and tier changes the trigger caused: usually what the journey's entry rule matched on. */
  lifecycle: Of<'stage' | 'tier'>[];
  /** Decisions and steps of the same execution up to the message (steps only with execution history). */
  path: (Of<'decision'> | Of<'step'>)[];
  /** The policy checks, in the words of what the record holds. */
  policy: string[];
  outcome: string;
}

/** The message the customer got (or was meant to get) last: the default question. */
export function latestMessage(timeline: Timeline): MessageRecord | undefined {
  const messages = timeline.entries.filter((e) => e.type === 'message');
  return messages[messages.length - 1]?.message;
}

/** Why this message went (or did not); undefined when the timeline holds no message under that key. */
export function why(timeline: Timeline, messageKey: string): Why | undefined {
  const at = timeline.entries.findIndex((e) => e.type === 'message' && e.message.messageKey === messageKey);
  const found = timeline.entries[at];
  if (found?.type !== 'message') return undefined;
  const message = found.message;
  const entry = timeline.entries.find(
    (e): e is Of<'journey-entry'> =>
      e.type === 'journey-entry' &&
      e.journeyId === message.journeyId &&
      sameExecution(message.executionId, e),
  );
  const trigger = entry?.trigger;
  const triggerEvent = timeline.entries.find(
    (e): e is Of<'event'> => e.type === 'event' && e.eventId === trigger?.eventId,
  );
  const lifecycle = timeline.entries.filter(
    (e): e is Of<'stage' | 'tier'> =>
      (e.type === 'stage' || e.type === 'tier') && trigger !== undefined && causedBy(e, trigger),
  );
  // What came before the message in the timeline: the timeline puts a message right after its step.
  const path = timeline.entries
    .slice(0, at)
    .filter(
      (e): e is Of<'decision'> | Of<'step'> =>
        (e.type === 'decision' || e.type === 'step') &&
        (e.type === 'decision' ? e.executionId : e.executionArn) === message.executionId,
    );
  return {
    message,
    entry,
    triggerEvent,
    lifecycle,
    path,
    policy: policyWords(message),
    outcome: messageWords(message),
  };
}

function causedBy(change: Of<'stage' | 'tier'>, trigger: { eventId: string; eventType: string; at: string }) {
  if (change.cause.kind === 'event') return change.cause.eventId === trigger.eventId;
  return trigger.eventType === 'timer' && Date.parse(change.at) === Date.parse(trigger.at);
}

/**
 * The checks a send makes, as far as its record tells: a sent message passed all that apply to its
 * category; a skipped or deferred one names the one that held it. Which consent and caps held at the
 * time is not stored beyond that outcome.
 */
function policyWords(m: MessageRecord): string[] {
  const checks =
    m.category === 'marketing'
      ? 'address, suppression, consent (channel' +
        (m.topic ? ` and topic ${m.topic}` : '') +
        '), control group, marketing pause, quiet hours, open hours and closed days, frequency cap'
      : 'address, suppression (a transactional message needs no marketing consent and is not capped)';
  switch (m.status) {
    case 'sent':
    case 'sending':
    case 'in-doubt':
      return [`passed: ${checks}`];
    case 'skipped':
    case 'deferred':
      return [`held by: ${m.reason ? SKIP_WORDS[m.reason] : 'no reason recorded'}`];
    case 'failed':
      return [`the send gave up before or at the provider${m.error ? ` (${m.error})` : ''}`];
    default:
      return assertNever(m.status);
  }
}

/** How a detail of the line before it (a decision's checks) is indented, for renderWhy to tell it apart. */
export const DETAIL = '      ';

/** The answer as terminal lines. */
export function whyLines(w: Why): string[] {
  const m = w.message;
  const lines = [
    `Message ${m.messageKey}: ${m.journeyId} v${m.journeyVersion}, step ${m.stepId} (${m.category}${m.topic ? `, topic ${m.topic}` : ''})`,
  ];
  if (w.triggerEvent)
    lines.push(
      `  ${w.triggerEvent.at}  event ${w.triggerEvent.eventType} ${w.triggerEvent.eventId} received`,
    );
  for (const c of w.lifecycle)
    lines.push(`  ${c.at}  ${c.type} ${c.from ?? '(none)'} → ${c.to} ${causeWords(c.cause)}`);
  if (w.entry)
    lines.push(
      `  ${w.entry.at}  entered ${w.entry.journeyId} v${w.entry.journeyVersion} because ${triggerWords(w.entry.trigger)}`,
    );
  else lines.push('  (no journey entry stored for this execution: it may predate entry records)');
  for (const p of w.path)
    if (p.type === 'step') lines.push(`  ${p.at}  step ${p.state}`);
    else lines.push(`  ${p.at}  ${decisionWords(p)}`, ...explanationLines(p).map((l) => `${DETAIL}${l}`));
  lines.push(`  ${m.createdAt}  policy ${w.policy.join('; ')}`);
  lines.push(`  ${m.sentAt ?? m.createdAt}  ${w.outcome}`);
  if (m.to) lines.push(`  to ${m.to}`);
  return lines;
}
