import type { Journey } from '../../domain/journey/schema';
import type { DecisionRecord, JourneyEntryRecord, MessageRecord } from '../../domain/ports';
import { updatesFoldedIntoSends } from '../../domain/journey/fusion';
import { exitEndedInto } from '../../domain/simulate/funnel';
import type { LocalExecution } from '../execution-runner';

const WEEK = 7 * 86_400_000;

/** What the executions of one journey did, counted as each ended. */
export interface JourneyTally {
  started: number;
  /** By final status, lower case; `running` for those still running at the end of the period. */
  outcomes: Record<string, number>;
  /** Executions that entered each state at least once. */
  entered: Record<string, number>;
  /** Billed transitions per state: every entry, retries included. */
  transitions: Record<string, number>;
}

/**
 * Counts kept while a simulation runs, in place of the records themselves: a population's executions and
 * messages would not fit in memory, and the result needs only their numbers.
 */
export class Tally {
  readonly journeys = new Map<string, JourneyTally>();
  /** Messages sent per week of the period (by index), by journey, then by channel. */
  readonly weekly = new Map<number, Record<string, Record<string, number>>>();
  /** By `journeyId/stepId`. */
  readonly sentByStep = new Map<string, number>();
  readonly skippedByStep = new Map<string, Record<string, number>>();
  readonly skippedByReason: Record<string, number> = {};
  /** Split decisions, once per customer and decision key (a retried step reads the same one back). */
  readonly splits = new Map<string, SplitDecision>();
  /** Converted journey entries: execution name → journey, execution ARN, whether the conversion counts for it. */
  readonly converted = new Map<string, { journeyId: string; executionArn: string; attributed: boolean }>();

  private readonly definitions: Map<string, Journey>;
  /** Per journey, update steps with no state of their own: the send after each applies it (fusion.ts). */
  private readonly folded: Map<string, [updateId: string, sendId: string][]>;

  constructor(
    private readonly from: number,
    journeys: readonly Journey[] = [],
  ) {
    this.definitions = new Map(journeys.map((j) => [j.id, j]));
    this.folded = new Map(
      journeys.map((j) => [j.id, [...updatesFoldedIntoSends(j)].map(([u, send]) => [u, send.id])]),
    );
  }

  execution(e: LocalExecution): void {
    const journeyId = e.stateMachineArn.split(':rapport-').pop() ?? e.stateMachineArn;
    let t = this.journeys.get(journeyId);
    if (!t) this.journeys.set(journeyId, (t = { started: 0, outcomes: {}, entered: {}, transitions: {} }));
    t.started++;
    add(t.outcomes, e.status === 'RUNNING' ? 'running' : e.status.toLowerCase());
    const entered = new Set<string>();
    for (const { name } of e.statesEntered) {
      add(t.transitions, name);
      entered.add(name);
    }
    // An exit is entered too by a run that ended on the state before it (the compiler spares the Succeed).
    const definition = this.definitions.get(journeyId);
    const names = e.statesEntered.map((st) => st.name);
    const exit = definition && exitEndedInto(definition, names, e.status === 'SUCCEEDED');
    if (exit) entered.add(exit);
    // So is an update the send after it applies: the send's Task applied it on entering.
    for (const [update, send] of this.folded.get(journeyId) ?? []) if (entered.has(send)) entered.add(update);
    for (const name of entered) add(t.entered, name);
  }

  sent(m: MessageRecord): void {
    const week = Math.floor((Date.parse(m.sentAt ?? m.createdAt) - this.from) / WEEK);
    let byJourney = this.weekly.get(week);
    if (!byJourney) this.weekly.set(week, (byJourney = {}));
    add((byJourney[m.journeyId] ??= {}), m.channel);
    const step = `${m.journeyId}/${m.stepId}`;
    this.sentByStep.set(step, (this.sentByStep.get(step) ?? 0) + 1);
  }

  skipped(m: MessageRecord): void {
    const reason = m.reason ?? 'unknown';
    add(this.skippedByReason, reason);
    const step = `${m.journeyId}/${m.stepId}`;
    let byReason = this.skippedByStep.get(step);
    if (!byReason) this.skippedByStep.set(step, (byReason = {}));
    add(byReason, reason);
  }

  decision(d: DecisionRecord): void {
    if (d.kind !== 'split') return;
    const { journeyId, stepId, path, holdout, executionId } = d;
    this.splits.set(`${d.customerId}/${d.decisionKey}`, { journeyId, stepId, path, holdout, executionId });
  }

  entry(e: JourneyEntryRecord): void {
    // An entry from before attribution (no flag) counts, as the console counts it.
    if (e.converted)
      this.converted.set(e.executionName, {
        journeyId: e.journeyId,
        executionArn: e.executionArn,
        attributed: e.converted.attributed !== false,
      });
  }
}

export type SplitDecision = Pick<DecisionRecord, 'journeyId' | 'stepId' | 'path' | 'holdout' | 'executionId'>;

function add(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
