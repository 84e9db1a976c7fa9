import type { JourneyInput } from './journey/compile';
import type { END_STATUSES } from './journey/execution-end';

/** A customer's entry into a journey: for re-entry rules, goals (conversions) and the customer timeline. */
export interface JourneyEntryRecord {
  customerId: string;
  journeyId: string;
  journeyVersion: number;
  executionName: string;
  executionArn: string;
  enteredAt: string;
  trigger: { eventId: string; eventType: string; at: string };
  /**
   * Set when a goal event arrived within the conversion window. `attributed`: the one entry the event is
   * counted for when it converted several (see attributeConversion); absent on entries from before.
   */
  converted?: { eventId: string; at: string; attributed?: boolean };
  /** Journeys in an exclusive group: the latest instant the execution can still run (see interplay.ts). */
  activeUntil?: string;
  /** Stopped by a higher-priority journey of its exclusive group, which entered then. */
  stopped?: { at: string; reason: 'preempted'; by: EntryRef };
  /** The running entries of its exclusive group this entry stopped. */
  preempted?: EntryRef[];
  /** When and how its execution ended, from Step Functions' status-change event (see execution-end.ts). */
  ended?: ExecutionEnded;
  /**
   * A `wait` group's entry not started yet: it waits for the lower-priority entries `behind` to end, until
   * `until` at most (journey/waiting.ts), and starts with `input` then. Meanwhile it holds the group.
   */
  waiting?: { since: string; until: string; behind: EntryRef[]; input: JourneyInput };
  /** A waiting entry, since started (`at` is then its enteredAt) or expired unstarted. */
  waited?: { since: string; until: string; behind: EntryRef[]; outcome: 'started' | 'expired'; at: string };
}

/** One journey entry, by name. */
export interface EntryRef {
  journeyId: string;
  executionName: string;
}

/** A Step Functions execution's end, as its status-change event gives it. */
export interface ExecutionEnded {
  at: string;
  status: (typeof END_STATUSES)[number];
}

/** A journey a customer was not entered in because of its exclusive group (see interplay.ts). */
export interface SkippedEntry {
  journeyId: string;
  reason: 'exclusive-group';
  /** The entry that holds the customer in the group. */
  by: EntryRef;
}
