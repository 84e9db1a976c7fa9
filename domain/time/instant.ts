import { remembered } from './memo';

/**
 * Epoch milliseconds of an ISO 8601 time, as `Date.parse` gives them. The lifecycle reads the same few
 * times (a customer's purchases, their last evaluation) several times on every event and sweep visit,
 * and parsing is ten times dearer than looking a parsed one up.
 */
export const instant: (iso: string) => number = remembered(
  (iso: string) => Date.parse(iso),
  (iso) => iso,
);
