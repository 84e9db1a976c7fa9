import { assertNever } from '../../domain/assert-never';
import { stepOfState } from '../../domain/journey/compile/names';
import { updatesFoldedIntoSends } from '../../domain/journey/fusion';
import { FINISH, START } from '../../domain/journey/graph';
import type { Journey } from '../../domain/journey/schema';
import { exitEndedInto } from '../../domain/simulate/funnel';
import { startedEntry, type EngagementFacts, type EntryFacts, type MessageFacts } from './snapshot';

/** What the console reads of a local execution (no input or output: those hold personal data). */
export interface ExecutionFacts {
  executionArn: string;
  status: string;
  statesEntered: readonly { name: string }[];
}

export interface StepCounts {
  /** Executions that entered the step (once each, however often they looped through it). */
  entered: number;
  /** Running executions whose latest state is one of the step's. */
  waiting: number;
  sent: number;
  /** Messages skipped or deferred, by reason. */
  skipped: Record<string, number>;
  inDoubt: number;
  failed: number;
  /** Executions that ended here: at an exit or the end, or stopped or failed while in the step. */
  ended: number;
  /** Of those, the ones the journey's goal stopped here. */
  goalReached: number;
  /** A send's messages delivered, opened and clicked (each message once, however often it was opened). */
  delivered: number;
  opened: number;
  clicked: number;
}

export interface JourneyCounts {
  /** By step id, and START and FINISH for the diagram's nodes before the first step and after a last one. */
  steps: Map<string, StepCounts>;
  entries: number;
  goalReached: number;
  /** Goal events counted for this journey: one that converted several journeys counts for one (attributed). */
  conversions: number;
  running: number;
  failedExecutions: number;
  /** Running executions per journey version (from the journey entries that started them). */
  versionsInFlight: Record<string, number>;
}

const empty = (): StepCounts => ({
  entered: 0,
  waiting: 0,
  sent: 0,
  skipped: {},
  inDoubt: 0,
  failed: 0,
  ended: 0,
  goalReached: 0,
  delivered: 0,
  opened: 0,
  clicked: 0,
});

/**
 * The node of the diagram an execution that ended ended in. One that succeeded reached an exit (entered, or
 * the one the step it ended on goes on to: the compiler spares that Succeed, as the simulator's funnel
 * knows) or else the end after a last step; one stopped (by its goal, say) or failed ended in the step of
 * its latest state, or at the start if it entered none. Undefined while it runs.
 */
export function endedIn(journey: Pick<Journey, 'steps'>, e: ExecutionFacts): string | undefined {
  if (e.status === 'RUNNING') return undefined;
  const names = e.statesEntered.map((s) => s.name);
  const last = names.at(-1);
  const step = last === undefined ? undefined : stepOfState(last, new Set(journey.steps.map((s) => s.id)));
  if (e.status !== 'SUCCEEDED') return step ?? START;
  const exit = exitEndedInto(journey, names, true);
  if (exit !== undefined) return exit;
  return journey.steps.find((s) => s.id === step)?.type === 'exit' ? step : FINISH;
}

/**
 * Counts on every step of a journey from its executions' states entered and its message records. An
 * update the send after it applies has no state of its own: it counts as that send does.
 */
export function journeyCounts(
  journey: Journey,
  executions: readonly ExecutionFacts[],
  messages: readonly MessageFacts[],
  entries: readonly EntryFacts[],
  engagement: readonly EngagementFacts[] = [],
): JourneyCounts {
  const ids = new Set(journey.steps.map((s) => s.id));
  const steps = new Map([START, ...journey.steps.map((s) => s.id), FINISH].map((id) => [id, empty()]));
  const folded = [...updatesFoldedIntoSends(journey)].map(([update, send]) => [update, send.id] as const);
  // A `wait` group's entry counts once it starts; one that waits, or whose wait expired, ran nothing.
  const mine = entries.filter((e) => e.journeyId === journey.id && startedEntry(e));
  const converted = new Set(mine.filter((e) => e.converted !== undefined).map((e) => e.executionArn));
  for (const e of executions) {
    const entered = new Set([START, ...e.statesEntered.map((s) => stepOfState(s.name, ids))]);
    const end = endedIn(journey, e);
    // An exit or the end is entered by reaching it, even with no state of its own entered.
    if (end !== undefined) entered.add(end);
    for (const [update, send] of folded) if (entered.has(send)) entered.add(update);
    for (const id of entered) if (id !== undefined) steps.get(id)!.entered++;
    const last = e.statesEntered.at(-1);
    const at = e.status === 'RUNNING' && last ? stepOfState(last.name, ids) : undefined;
    if (at !== undefined) steps.get(at)!.waiting++;
    const there = end === undefined ? undefined : steps.get(end);
    if (!there) continue;
    there.ended++;
    if (e.status === 'ABORTED' && converted.has(e.executionArn)) there.goalReached++;
  }
  countMessages(journey.id, steps, messages);
  countEngagement(journey.id, steps, engagement);
  const running = new Set(executions.filter((e) => e.status === 'RUNNING').map((e) => e.executionArn));
  const versionsInFlight: Record<string, number> = {};
  for (const e of mine)
    if (running.has(e.executionArn))
      versionsInFlight[`v${e.journeyVersion}`] = (versionsInFlight[`v${e.journeyVersion}`] ?? 0) + 1;
  return {
    steps,
    entries: mine.length,
    goalReached: mine.filter((e) => e.converted !== undefined).length,
    conversions: mine.filter((e) => e.converted !== undefined && e.converted.attributed !== false).length,
    running: running.size,
    failedExecutions: executions.filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT').length,
    versionsInFlight,
  };
}

const ENGAGED = {
  'email-delivered': 'delivered',
  'sms-delivered': 'delivered',
  'email-opened': 'opened',
  'email-clicked': 'clicked',
} as const;

/** The journey's messages delivered, opened and clicked, on their send steps: each message once per kind. */
function countEngagement(
  journeyId: string,
  steps: Map<string, StepCounts>,
  engagement: readonly EngagementFacts[],
) {
  const seen = new Set<string>();
  for (const e of engagement) {
    const kind = ENGAGED[e.type as keyof typeof ENGAGED] as
      (typeof ENGAGED)[keyof typeof ENGAGED] | undefined;
    const c = e.about.journeyId === journeyId ? steps.get(e.about.stepId) : undefined;
    if (!kind || !c || seen.has(`${kind}#${e.about.key}`)) continue;
    seen.add(`${kind}#${e.about.key}`);
    c[kind]++;
  }
}

/** Each of the journey's messages on its step, by outcome. */
function countMessages(journeyId: string, steps: Map<string, StepCounts>, messages: readonly MessageFacts[]) {
  for (const m of messages) {
    const c = m.journeyId === journeyId ? steps.get(m.stepId) : undefined;
    if (!c) continue;
    switch (m.status) {
      case 'sent':
        c.sent++;
        break;
      case 'in-doubt':
        c.inDoubt++;
        break;
      case 'failed':
        c.failed++;
        break;
      case 'skipped':
      case 'deferred': {
        const reason = m.reason ?? m.status;
        c.skipped[reason] = (c.skipped[reason] ?? 0) + 1;
        break;
      }
      case 'sending':
        // Not an outcome yet: counted once the provider answers.
        break;
      default:
        assertNever(m.status);
    }
  }
}
