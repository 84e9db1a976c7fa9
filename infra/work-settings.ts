/**
 * The figures of the functions and queues that carry work at scale, in one place with no CDK in it: the
 * stack deploys them (events-api.ts, journey-starts.ts, sweeping.ts, messaging.ts) and the capacity model
 * (local/capacity) runs the real handlers under the same ones.
 */

/** AWS's guidance for a queue a Lambda consumes: a visibility timeout of at least 6 times its timeout. */
export const VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT = 6;

/** Function timeouts (s) of the functions on the paths the capacity model runs. */
export const FUNCTION_TIMEOUT_SECONDS = {
  'accept-event': 15,
  // A batch of events applied one after another; DELETE /customers/{id} is cut at API Gateway's 30 s.
  'ingest-event': 60,
  // A batch of 10 at its share of the rate takes well under this; a start whose turn would come after
  // it is handed back to the queue (StartDeferredError), and comes back after the visibility timeout.
  'start-journey': 30,
  // The coordinator stops 30 s before this (SWEEP_SAFETY_MARGIN_MS); the next run resumes from its cursors.
  sweep: 300,
  // One message (up to 100 customers, a few calls each, one after another) per invocation.
  'sweep-worker': 60,
  // Below the Task state's TimeoutSeconds (60) in the compiled journeys.
  'send-message': 30,
} as const;

export interface WorkQueueSettings {
  /** The consumer. */
  consumer: keyof typeof FUNCTION_TIMEOUT_SECONDS;
  /** Receives before a message is dead-lettered. */
  maxReceiveCount: number;
  /** Messages in one invocation of the consumer. */
  batchSize: number;
}

/** The work queues by short name (`rapport-<name>`); their maximum concurrency is a scale setting. */
export const WORK_QUEUES = {
  ingest: { consumer: 'ingest-event', maxReceiveCount: 5, batchSize: 10 },
  // A throttled or deferred start is a failure of its message: more receives than elsewhere before it is
  // dead-lettered, so a backlog under throttling is retried, not parked.
  starts: { consumer: 'start-journey', maxReceiveCount: 10, batchSize: 10 },
  sweep: { consumer: 'sweep-worker', maxReceiveCount: 5, batchSize: 1 },
} as const satisfies Record<string, WorkQueueSettings>;

/**
 * The name of a Rapport work queue (`rapport-<name>`) and of its dead-letter queue (`rapport-<name>-dlq`),
 * after the stage's `<stage>-` in a stage: what `npx rapport redrive [--stage <stage>] <name>` looks up
 * (cli/redrive.ts).
 */
export const workQueueName = (name: string, stagePrefix = '') => `${stagePrefix}rapport-${name}`;
export const workDeadLetterQueueName = (name: string, stagePrefix = '') =>
  `${stagePrefix}rapport-${name}-dlq`;

/** A queue's visibility timeout (s): its consumer's timeout, times AWS's guidance. */
export function visibilityTimeoutSeconds(queue: WorkQueueSettings): number {
  return FUNCTION_TIMEOUT_SECONDS[queue.consumer] * VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT;
}
