import type { MiddlewareStack } from '@smithy/types';

/**
 * Counts the commands an AWS SDK client sends, by name (`GetItem`, `BatchGetItem`, `SendRawEmail`…), as
 * the client sees them: a DynamoDBDocumentClient command counts under the client it was made from. Added
 * to the client's middleware stack, so it counts what the real adapters send, whichever adapter sends it.
 */
export interface CallCounter {
  /** Commands sent since the last reset, by name, in the order first seen. */
  byCommand(): Record<string, number>;
  total(): number;
  reset(): void;
}

let counters = 0;

export function countCalls<I extends object, O extends object>(client: {
  middlewareStack: MiddlewareStack<I, O>;
}): CallCounter {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    // Several counters may watch one client (a test's and a bench's): each needs its own name.
    { step: 'initialize', name: `rapportCallCounter${++counters}` },
  );
  return {
    byCommand: () => Object.fromEntries(counts),
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
  };
}

/** How many calls `{ GetItem: 2, PutItem: 3 }` counts (5). */
export function totalCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}

/** `{ GetItem: 2, PutItem: 3 }` as `GetItem ×2, PutItem ×3`, for messages and bench lines. */
export function formatCalls(calls: Record<string, number>): string {
  const parts = Object.entries(calls).map(([name, n]) => (n === 1 ? name : `${name} ×${n}`));
  return parts.length ? parts.join(', ') : 'none';
}
