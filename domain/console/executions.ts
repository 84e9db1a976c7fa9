import { updatesFoldedIntoSends } from '../journey/fusion';
import type { Journey } from '../journey/schema';

/** The states one execution entered, as GetExecutionHistory's StateEntered events give them. */
export interface ExecutionHistory {
  executionArn: string;
  journeyId: string;
  /** The journey version the execution ran (its entry's), when known. */
  journeyVersion?: number;
  states: { name: string; at: string }[];
}

/**
 * An execution's states with the update steps its sends applied (journey/fusion.ts): such an update has no
 * state of its own, the send's Task applied it first on entering it, so it shows as entered at that instant,
 * right before the send's first entry (a deferred send entered again does not apply it again).
 */
export function withFoldedUpdates(
  execution: ExecutionHistory,
  journeys: readonly FoldedJourney[],
): ExecutionHistory {
  const journey = journeys.find((j) => j.id === execution.journeyId);
  // Another version's steps say nothing of what this execution's sends applied: shown as it ran.
  if (!journey || !sameVersion(journey, execution)) return execution;
  // An execution started before the update was folded (an older definition) entered its state itself.
  const own = new Set(execution.states.map((s) => s.name));
  const applies = new Map(
    [...updatesFoldedIntoSends(journey)]
      .filter(([update]) => !own.has(update))
      .map(([u, send]) => [send.id, u]),
  );
  const seen = new Set<string>();
  const states = execution.states.flatMap((s) => {
    const update = applies.get(s.name);
    if (update === undefined || seen.has(s.name)) return [s];
    seen.add(s.name);
    return [{ name: update, at: s.at }, s];
  });
  return { ...execution, states };
}

/** The part of a journey's definition that says which update steps its sends applied. */
export type FoldedJourney = Pick<Journey, 'id' | 'version' | 'steps'>;

/** Whether `journey` is the version the execution ran (an execution of unknown version is taken as it). */
export function sameVersion(journey: Pick<Journey, 'version'>, execution: ExecutionHistory): boolean {
  return execution.journeyVersion === undefined || execution.journeyVersion === journey.version;
}
