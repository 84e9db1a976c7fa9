/**
 * Epoch milliseconds of an ISO 8601 time, as `Date.parse` gives them. The lifecycle reads the same few
 * times (a customer's purchases, their last evaluation) several times on every event and sweep visit,
 * and parsing is ten times dearer than looking a parsed one up. Bounded, since a simulation runs in one
 * long process.
 */
export function instant(iso: string): number {
  let ms = parsed.get(iso);
  if (ms === undefined) {
    ms = Date.parse(iso);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(iso, ms);
  }
  return ms;
}

const parsed = new Map<string, number>();
const MAX_PARSED = 100_000;
