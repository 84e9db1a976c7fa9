/**
 * A function remembered by a key of its argument: the domain resolves the same few times (a customer's
 * purchases, a holiday's morning in a zone, a history's dates) over and over, and each resolution costs
 * far more than a lookup. Bounded, since a simulation runs in one long process: when full, it starts
 * again empty.
 */
export function remembered<A, T>(
  compute: (arg: A) => T,
  keyOf: (arg: A) => string,
  limit = 100_000,
): (arg: A) => T {
  const known = new Map<string, T>();
  return (arg) => {
    const key = keyOf(arg);
    let value = known.get(key);
    if (value === undefined) {
      value = compute(arg);
      if (known.size >= limit) known.clear();
      known.set(key, value);
    }
    return value;
  };
}
