import { assertNever } from '../assert-never';
import type { MessageRecord, SkipReason } from '../message-record';
import type { StageChangeCause } from '../profile/profile';
import { explanationShort } from './explain-words';
import type { TimelineEntry } from './timeline';

/** Why a message did not go (now), in an operator's words. */
export const SKIP_WORDS: Record<SkipReason, string> = {
  'no-consent':
    'no consent (the customer opted out of this channel or topic, or never opted in where the policy needs it)',
  suppressed: 'the address is suppressed (a bounce, complaint or opt-out)',
  'frequency-cap': 'frequency cap reached',
  'quiet-hours-deferred': "quiet hours in the customer's time zone",
  'send-window-deferred':
    "outside the channel's open hours, or in one of its closed days (customer's time zone)",
  'marketing-paused': 'marketing paused after a complaint or a low score',
  'no-address': 'no address on this channel',
  'provider-throttled': 'the provider refused for now (throttled)',
  'control-group':
    'the customer is in the global control group (settings.yaml controlGroup): no marketing, to measure the program',
};

export function causeWords(cause: StageChangeCause): string {
  switch (cause.kind) {
    case 'event':
      return `because ${cause.eventType} ${cause.eventId}`;
    case 'timer':
      return 'because time passed (an inactivity threshold)';
    default:
      return assertNever(cause);
  }
}

/** What a trigger was: an event, a lifecycle timer, or a date (birthday, holiday). */
export function triggerWords(trigger: { eventId: string; eventType: string; at: string }): string {
  if (trigger.eventType === 'timer') return `the lifecycle timer ${trigger.eventId} (time passed)`;
  if (trigger.eventType === 'date') return `the date ${trigger.eventId}`;
  return `${trigger.eventType} ${trigger.eventId}`;
}

/** The outcome of one message, e.g. "email first-purchase-thanks sent" or "… skipped: frequency cap reached". */
export function messageWords(m: MessageRecord): string {
  const what = `${m.channel} ${m.template}`;
  const why = m.reason ? SKIP_WORDS[m.reason] : 'no reason recorded';
  switch (m.status) {
    case 'sent':
      return `${what} sent${m.sentAt ? ` at ${m.sentAt}` : ''}${m.subject ? ` ("${m.subject}")` : ''}`;
    case 'skipped':
      return `${what} skipped: ${why}`;
    case 'deferred':
      return `${what} deferred: ${why}${m.deferredUntil ? `, until ${m.deferredUntil}` : ''}`;
    case 'sending':
      return `${what} being sent (claimed${m.claimedAt ? ` at ${m.claimedAt}` : ''}, no answer from the provider yet)`;
    case 'in-doubt':
      return `${what} in doubt (${m.inDoubtReason ?? 'unknown reason'}): it may have gone out; it is never sent again`;
    case 'failed':
      return `${what} failed${m.error ? ` (${m.error})` : ''}: the send gave up after its retries`;
    default:
      return assertNever(m.status);
  }
}

/** What an engagement event was about: the message of a journey's send step (and the link clicked). */
function aboutWords(about: { journeyId: string; stepId: string; link?: string } | undefined): string {
  if (!about) return '';
  return ` on the message of ${about.journeyId}/${about.stepId}${about.link ? ` (link ${about.link})` : ''}`;
}

/** One timeline entry as a line of text (without its time). */
export function describeEntry(e: TimelineEntry): string {
  switch (e.type) {
    case 'event':
      return `event ${e.eventType} ${e.eventId}${aboutWords(e.about)} ${e.pending ? 'being applied (claimed)' : `received${e.receivedAt ? ` at ${e.receivedAt}` : ''}`}`;
    case 'stage':
    case 'tier':
      return `${e.type} ${e.from ?? '(none)'} → ${e.to} ${causeWords(e.cause)}`;
    case 'journey-entry':
      return `entered ${e.journeyId} v${e.journeyVersion} because ${triggerWords(e.trigger)} (execution ${e.executionName})`;
    case 'conversion':
      return `goal of ${e.journeyId} reached by event ${e.eventId} (execution ${e.executionName})${e.attributed === false ? '; counted for another journey it also converted (attribution)' : ''}`;
    case 'preempted':
      return `${e.journeyId} stopped (execution ${e.executionName}): pre-empted by ${e.by.journeyId}, higher in their exclusive group (execution ${e.by.executionName})`;
    case 'entry-waiting':
      return `waiting to enter ${e.journeyId} (execution ${e.executionName}) until ${e.behind.map((b) => b.journeyId).join(', ')} ends, at most until ${e.until}: higher in their exclusive group, which waits`;
    case 'wait-expired':
      return `not entered in ${e.journeyId} (execution ${e.executionName}): its exclusive group still held the customer when the wait expired`;
    case 'journey-ended':
      return `${e.journeyId} ended: ${e.status.toLowerCase().replace('_', ' ')} (execution ${e.executionName})`;
    case 'entry-held':
      return `not entered in ${e.journeyId} by event ${e.eventId}: ${e.by.journeyId} holds the customer in their exclusive group (execution ${e.by.executionName})`;
    case 'step':
      return `${e.journeyId}: step ${e.state}`;
    case 'decision':
      return `${e.journeyId} v${e.journeyVersion}: ${decisionWords(e)}${explanationShort(e)}`;
    case 'waiting':
      return `${e.journeyId}: step ${e.stepId} waiting for event ${e.event}`;
    case 'message':
      return `${e.message.journeyId} v${e.message.journeyVersion} step ${e.message.stepId}: ${messageWords(e.message)} [message ${e.message.messageKey}]`;
    case 'consent':
      return `consent ${e.scope}: ${e.status} (from ${e.source}${e.latestOnly ? '; the latest choice only' : ''})`;
    case 'suppression':
      return e.change === 'suppressed'
        ? `${e.channel} address suppressed: ${e.reason} (from ${e.source})`
        : `${e.channel} suppression lifted: a new address (from ${e.source})`;
    case 'feedback':
      return `feedback ${e.kind}: ${e.value}${e.eventId ? ` (event ${e.eventId})` : ''}`;
    case 'erasure':
      return 'erased: everything known before this moment was deleted';
    default:
      return assertNever(e);
  }
}

/** The timeline as terminal lines: `<time>  <what>`, oldest first. */
export function timelineLines(entries: readonly TimelineEntry[]): string[] {
  return entries.map((e) => `${e.at}  ${describeEntry(e)}`);
}

/** `branch vip-or-not took "vip"`; a branch none of whose paths held took its default, stored as ''. */
export function decisionWords(d: { kind: string; stepId: string; path: string; holdout: boolean }): string {
  const took = d.path === '' ? 'took the default path' : `took "${d.path}"`;
  return `${d.kind} ${d.stepId} ${took}${d.holdout ? ' (holdout)' : ''}`;
}
