import * as z from '../zod';
import { durationSeconds } from '../config/duration';
import type { Problem } from '../errors';

/**
 * An event time as given (any ISO 8601 offset, any fraction of a second), kept as UTC to the second in
 * one fixed width (`2026-11-22T10:00:00Z`), so that event times compare and sort as strings do.
 */
export const EventTime = z.pipe(
  z.iso.datetime({
    offset: true,
    error: 'expected: an ISO 8601 timestamp with a time zone, e.g. "2026-11-22T10:00:00Z"',
  }),
  z.transform((s: string) => canonicalTime(new Date(s))),
);

export function canonicalTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** The window of event times ingest accepts (settings.yaml `events`). */
export interface EventTimeWindow {
  /** How far past the clock an event may claim to be, e.g. "1d" (clocks drift; the future has not happened). */
  maxFutureSkew: string;
  /** The earliest event time accepted, e.g. "2000-01-01T00:00:00Z". */
  earliest: string;
}

export const DEFAULT_EVENT_TIME_WINDOW: EventTimeWindow = {
  maxFutureSkew: '1d',
  earliest: '2000-01-01T00:00:00Z',
};

/** A problem naming `at` when an (already valid) event time falls outside the window around `now`. */
export function eventTimeProblem(
  at: string,
  now: Date,
  window: EventTimeWindow,
  field = 'at',
): Problem | undefined {
  const t = Date.parse(at);
  const latest = now.getTime() + durationSeconds(window.maxFutureSkew) * 1000;
  const earliest = Date.parse(window.earliest);
  if (t >= earliest && t <= latest) return undefined;
  return {
    field,
    value: at,
    expected:
      `a time from ${canonicalTime(new Date(earliest))} to ${canonicalTime(new Date(latest))} ` +
      `(no earlier than settings events.earliest, and at most events.maxFutureSkew ` +
      `(${window.maxFutureSkew}) after now)`,
  };
}
