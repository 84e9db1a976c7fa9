import { assertNever } from '../assert-never';
import { durationSeconds } from '../config/duration';
import { maxThrottledRounds } from '../messages/throttle';
import { THROTTLE_RETRY } from './compile/retry';
import type { GraphStep, JourneyGraphInput } from './skeleton';
import { findCycle, journeyGraph, MAX_WAIT_UNTIL_SECONDS } from './steps';

/**
 * Step Functions ends a Standard execution after a year (its quota says "1 year", with no number of days;
 * Lambda's durable functions, by contrast, state a 366-day year): 365 days is what a journey can count on,
 * which is why a calendar-year wait ("1y", 366 days across 29 February) is refused…
 */
export const MAX_EXECUTION_SECONDS = 365 * 86_400;
/** …or when its history reaches 25,000 events. */
export const MAX_HISTORY_EVENTS = 25_000;

const DAY = 86_400;

/**
 * The history-event model, per state as Step Functions records it (roughly, and on the high side):
 * a Task state is entered, scheduled, started, succeeds and is exited (5), and each retry adds a
 * scheduled, a started and a failed event (3); a Wait, Choice, Pass or Succeed state is entered and
 * exited (2). Every retry is counted as spent. The retry counts are those of the compiled ASL: 6 for
 * the Lambda tasks (send, schedule, branch, split, update, await), 5 for a `task` step's putEvents, and
 * a send's 5 for throttling on top of its 6.
 */
export const EVENTS = {
  execution: 2, // ExecutionStarted, ExecutionSucceeded/Failed
  task: 5,
  perRetry: 3,
  lambdaRetries: 6,
  putEventsRetries: 5,
  throttleRetries: THROTTLE_RETRY.MaxAttempts,
  wait: 2,
  choice: 2,
  succeed: 2,
} as const;
const lambdaTask = EVENTS.task + EVENTS.perRetry * EVENTS.lambdaRetries;
const sendTask = lambdaTask + EVENTS.perRetry * EVENTS.throttleRetries;
/** The `<id>-deferred` Task, the Wait and the send's Task again: one round of the deferral loop. */
const deferralRound = lambdaTask + EVENTS.wait + sendTask;
/** How many rounds a throttled send may go (domain/messages/throttle.ts), a day's worth. */
const THROTTLED_ROUNDS = maxThrottledRounds();

/**
 * What a send may be held back by: quiet hours (until the next morning), and for marketing a care pause
 * and its channel's open hours and closed days.
 */
export interface LimitContext {
  /** lifecycle.yaml `care.pauseMarketing`, in seconds: a marketing send waits it out. */
  marketingPauseSeconds: number;
  /**
   * settings.yaml's open hours and closed days: the longest a marketing send waits for its channel to open
   * beyond quiet hours (config/send-window.ts, Workflows.sendWindowSeconds). Absent: none.
   */
  sendWindowSeconds?: number;
}

/** A step's worst case: the longest it holds a customer and the most history events it writes. */
export function stepCost(step: GraphStep, ctx: LimitContext): { seconds: number; events: number } {
  switch (step.type) {
    case 'send': {
      // The send's Task; a deferral (caught) adds the `<id>-deferred` Task, a Wait and the send's Task
      // again. A marketing send may be deferred twice: by a care pause, then by quiet hours when that
      // pause ends; and a throttled one for up to a day of rounds. A send that gives up goes on through
      // its `<id>-failed` Task, which records the failure.
      const marketing = (step.category ?? 'marketing') === 'marketing';
      const deferrals = (marketing ? 2 : 1) + THROTTLED_ROUNDS;
      return {
        seconds: 2 * DAY + (marketing ? ctx.marketingPauseSeconds + (ctx.sendWindowSeconds ?? 0) : 0),
        events: sendTask + deferrals * deferralRound + lambdaTask,
      };
    }
    case 'wait': {
      if (step.duration !== undefined)
        return { seconds: durationSeconds(step.duration), events: EVENTS.wait };
      const until = step.until;
      // A time of day alone comes round within a day; a holiday or an anniversary within 350 days.
      const longest = until?.holiday || until?.anniversary ? MAX_WAIT_UNTIL_SECONDS : DAY;
      const within = until?.within ? durationSeconds(until.within) : Infinity;
      return { seconds: Math.min(longest, within), events: lambdaTask + EVENTS.wait };
    }
    case 'wait-for-event':
      return { seconds: durationSeconds(step.timeout), events: lambdaTask };
    case 'branch':
    case 'split':
      return { seconds: 0, events: lambdaTask + EVENTS.choice };
    case 'update':
      return { seconds: 0, events: lambdaTask };
    case 'task':
      return { seconds: 0, events: EVENTS.task + EVENTS.perRetry * EVENTS.putEventsRetries };
    case 'exit':
      return { seconds: 0, events: EVENTS.succeed };
    default:
      return assertNever(step);
  }
}

export interface Estimate {
  seconds: number;
  events: number;
  /** The steps of the longest path in time, and of the one with the most events (or the loop's). */
  path: string[];
  eventsPath: string[];
  /** A loop a customer can go round without end: `seconds` and `events` are then one round's. */
  unbounded: boolean;
}

/**
 * The worst case of a journey for one customer: the longest time and the most history events along
 * any path from the first step. A loop (one with a wait, else another check refuses it) has no bound,
 * as nothing in a journey counts its rounds: a customer can go round until Step Functions cuts them off.
 */
export function estimateJourney(journey: JourneyGraphInput, ctx: LimitContext): Estimate {
  const cycle = findCycle(journey);
  const cost = (id: string) => {
    const step = journey.steps.find((s) => s.id === id);
    return step ? stepCost(step, ctx) : { seconds: 0, events: 0 };
  };
  if (cycle) {
    const round = cycle.map(cost);
    return {
      seconds: round.reduce((sum, c) => sum + c.seconds, 0),
      events: round.reduce((sum, c) => sum + c.events, 0),
      path: cycle,
      eventsPath: cycle,
      unbounded: true,
    };
  }
  const graph = journeyGraph(journey);
  type Worst = Omit<Estimate, 'unbounded'>;
  const memo = new Map<string, Worst>();
  const worst = (id: string): Worst => {
    const known = memo.get(id);
    if (known) return known;
    const own = cost(id);
    const after = (graph.get(id) ?? []).map(worst);
    const seconds = Math.max(0, ...after.map((a) => a.seconds));
    const events = Math.max(0, ...after.map((a) => a.events));
    const longest = after.find((a) => a.seconds === seconds)?.path ?? [];
    const busiest = after.find((a) => a.events === events)?.eventsPath ?? [];
    const result = {
      seconds: own.seconds + seconds,
      events: own.events + events,
      path: [id, ...longest],
      eventsPath: [id, ...busiest],
    };
    memo.set(id, result);
    return result;
  };
  const first = journey.steps[0];
  if (!first) return { seconds: 0, events: EVENTS.execution, path: [], eventsPath: [], unbounded: false };
  const w = worst(first.id);
  return { ...w, events: w.events + EVENTS.execution, unbounded: false };
}

/** The `send` steps a customer can reach from `from` (itself included), with the path to each. */
export function sendsReachableFrom(journey: JourneyGraphInput, from: string): string[][] {
  const graph = journeyGraph(journey);
  const sends = new Set(journey.steps.filter((s) => s.type === 'send').map((s) => s.id));
  const found: string[][] = [];
  const seen = new Set<string>();
  const queue: string[][] = [[from]];
  while (queue.length) {
    const path = queue.shift()!;
    const id = path[path.length - 1]!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (sends.has(id)) found.push(path);
    for (const next of graph.get(id) ?? []) queue.push([...path, next]);
  }
  return found;
}
