/**
 * Due times as the due-time index stores them. The index compares strings, so a value must sort as time
 * does: only the fixed-width ISO form of a 4-digit-year instant (`YYYY-MM-DDTHH:mm:ss.sssZ`) may be written.
 * `new Date(...).toISOString()` gives `+010000-…` for a year past 9999 and `-000001-…` before year 0,
 * and `+` and `-` sort before every digit: such a value would be "due" forever.
 */
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
/** The last instant the index can order: a due time later than this can never come, so none is set. */
export const LATEST_DUE = Date.parse('9999-12-31T23:59:59.999Z');

/** The index form of `iso`, or undefined when it is not an instant the index can order. */
export function dueIndexValue(iso: string): string | undefined {
  const t = Date.parse(iso);
  if (Number.isNaN(t) || t < EARLIEST || t > LATEST_DUE) return undefined;
  return new Date(t).toISOString();
}

/**
 * The due-index value of an event claim that keeps its event. Claims share their customer's due shard and
 * sort before every due time, and before a legacy out-of-range one too (`!` sorts before `+`, `-` and
 * the digits): the sweep's one query per shard (`<= now`) reads the shard's claims first and then its due
 * customers, and a pass that wants only the claims reads `<= CLAIM_DUE`, never the customers. Not an
 * instant (dueIndexValue never gives it), so no profile is ever indexed there; whether a claim's lease has
 * passed is read from its record, not from the index.
 */
export const CLAIM_DUE = '!claim';

/** Why the sweep took a customer out of the due index (no personal data: a code and an error class). */
export type ParkReason = 'due-out-of-range' | 'invalid-profile' | 'failed';

/**
 * A customer the sweep could not process, recorded on the profile. Parked customers are out of the due
 * index, so they never block the customers behind them; the next event for them schedules them again.
 */
export interface Parked {
  at: string;
  reason: ParkReason;
  /** The error's class name when the reason is `failed` or `invalid-profile` (never its message). */
  error?: string;
}
