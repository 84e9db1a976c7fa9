import { stepOfState } from '../../domain/journey/compile/names';
import { updatesFoldedIntoSends } from '../../domain/journey/fusion';
import type { Journey } from '../../domain/journey/schema';
import type { EntryFacts, MessageFacts } from './snapshot';

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
}

export interface JourneyCounts {
  steps: Map<string, StepCounts>;
  entries: number;
  goalReached: number;
  running: number;
  failedExecutions: number;
  /** Running executions per journey version (from the journey entries that started them). */
  versionsInFlight: Record<string, number>;
}

const empty = (): StepCounts => ({ entered: 0, waiting: 0, sent: 0, skipped: {}, inDoubt: 0, failed: 0 });

/**
 * Counts on every step of a journey from its executions' states entered and its message records. An
 * update the send after it applies has no state of its own: it counts as that send does.
 */
export function journeyCounts(
  journey: Journey,
  executions: readonly ExecutionFacts[],
  messages: readonly MessageFacts[],
  entries: readonly EntryFacts[],
): JourneyCounts {
  const ids = new Set(journey.steps.map((s) => s.id));
  const steps = new Map(journey.steps.map((s) => [s.id, empty()]));
  const folded = [...updatesFoldedIntoSends(journey)].map(([update, send]) => [update, send.id] as const);
  for (const e of executions) {
    const entered = new Set(e.statesEntered.map((s) => stepOfState(s.name, ids)));
    for (const [update, send] of folded) if (entered.has(send)) entered.add(update);
    for (const id of entered) if (id !== undefined) steps.get(id)!.entered++;
    const last = e.statesEntered.at(-1);
    const at = e.status === 'RUNNING' && last ? stepOfState(last.name, ids) : undefined;
    if (at !== undefined) steps.get(at)!.waiting++;
  }
  for (const m of messages) {
    const c = m.journeyId === journey.id ? steps.get(m.stepId) : undefined;
    if (!c) continue;
    if (m.status === 'sent') c.sent++;
    else if (m.status === 'in-doubt') c.inDoubt++;
    else if (m.status === 'failed') c.failed++;
    else if (m.status === 'skipped' || m.status === 'deferred') {
      const reason = m.reason ?? m.status;
      c.skipped[reason] = (c.skipped[reason] ?? 0) + 1;
    }
  }
  const mine = entries.filter((e) => e.journeyId === journey.id);
  const running = new Set(executions.filter((e) => e.status === 'RUNNING').map((e) => e.executionArn));
  const versionsInFlight: Record<string, number> = {};
  for (const e of mine)
    if (running.has(e.executionArn))
      versionsInFlight[`v${e.journeyVersion}`] = (versionsInFlight[`v${e.journeyVersion}`] ?? 0) + 1;
  return {
    steps,
    entries: mine.length,
    goalReached: mine.filter((e) => e.converted !== undefined).length,
    running: running.size,
    failedExecutions: executions.filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT').length,
    versionsInFlight,
  };
}
