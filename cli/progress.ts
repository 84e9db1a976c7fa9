/** How far a part of a run has got: a share of its customers from 0 to 1, and the events it read. */
export interface PartProgress {
  share: number;
  events: number;
  /** The whole population's customers. */
  customers: number;
}

/** Marks the progress lines a worker process writes on stderr for the process that started it. */
export const PROGRESS_PREFIX = 'rapport-progress ';

/**
 * Customers done of all, rate, events and ETA on stderr, redrawn in place; nothing when stderr is not a
 * terminal. Every customer lives through the whole period, so a batch is done only at its end: the share
 * of customers done is the batches done plus the simulated share of the current one's period.
 */
export function progressBar(label: string) {
  if (!process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  const started = performance.now();
  let last = 0;
  return {
    update: ({ share, events, customers }: PartProgress) => {
      const now = performance.now();
      if (now - last < 250 && share < 1) return;
      last = now;
      const done = Math.min(1, Math.max(0.0001, share));
      const elapsed = Math.max(0.001, (now - started) / 1000);
      const eta = (elapsed * (1 - done)) / done;
      const count = (n: number) => Math.round(n).toLocaleString('en-US');
      process.stderr.write(
        `\r${label}: ${count(done * customers)} of ${count(customers)} customers (${Math.round(done * 100)}%), ` +
          `${count((done * customers) / elapsed)}/s, ${count(events)} events, ETA ${Math.round(eta)} s   `,
      );
    },
    done: () => process.stderr.write('\n'),
  };
}

/**
 * For a worker process: its progress as lines on stderr (at most one a second, and the last), which
 * workers.ts reads back and adds up.
 */
export function progressLines(write: (line: string) => void) {
  let last = 0;
  return {
    update: (p: PartProgress) => {
      const now = performance.now();
      if (now - last < 1000 && p.share < 1) return;
      last = now;
      write(`${PROGRESS_PREFIX}${JSON.stringify(p)}\n`);
    },
    done: () => undefined,
  };
}

/** The whole run's progress from its parts' (each an equal part of the population). */
export function overall(parts: readonly (PartProgress | undefined)[]): PartProgress {
  let share = 0;
  let events = 0;
  let customers = 0;
  for (const p of parts) {
    share += (p?.share ?? 0) / parts.length;
    events += p?.events ?? 0;
    customers = Math.max(customers, p?.customers ?? 0);
  }
  return { share, events, customers };
}
