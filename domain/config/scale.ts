import * as z from '../zod';
import { expect } from './problems';

/**
 * AWS's published quotas Rapport sizes itself against (us-east-1 defaults; smaller regions have less).
 * The capacity model runs against these, and the defaults below stay well inside them.
 */
export const AWS_QUOTAS = {
  /** StartExecution (Standard): a token bucket. */
  startExecution: { burst: 1_300, perSecond: 300 },
  /** Concurrent executions of all functions in the account and region. */
  lambdaConcurrency: 1_000,
  /** One DynamoDB partition (and so one partition key of an index) per second. */
  dynamoPartition: { writeUnits: 1_000, readUnits: 3_000 },
  /** Open (running) Standard executions per account and region. */
  openExecutions: 1_000_000,
} as const;

const count = (text: string) => z.number(expect(text)).check(z.int(expect(text)), z.positive(expect(text)));

/**
 * How Rapport is sized on AWS: deployment settings (cdk.json context `scale`), not marketing's. The stack
 * passes them to the functions as environment variables (see scaleFromEnv), so CDK and the handlers read
 * the same figures. Raise them together with the quotas the README names.
 */
export const Scale = z.strictObject({
  /**
   * Partitions of the due index. Each takes about 1,000 due-time changes a second before the index
   * throttles table writes. Only ever raise it: a customer is re-indexed on their next write, and the
   * sweep reads every shard below this number.
   */
  dueShards: count('a whole number of due-index shards, e.g. 64').check(z.lte(1_000, expect('at most 1000'))),
  /** Journey starts per second, account-wide: well under StartExecution's refill (300/s in us-east-1). */
  startsPerSecond: count('journey starts per second, e.g. 100'),
  /**
   * Concurrent start-journey consumers (the start queue's event source mapping): each starts at most
   * startsPerSecond / startConcurrency a second, so together they keep to startsPerSecond.
   */
  startConcurrency: count('concurrent start-journey consumers, e.g. 4').check(
    z.gte(2, expect('at least 2 (SQS)')),
  ),
  /** Concurrent ingest invocations (the ingest queue's event source mapping). */
  ingestConcurrency: count('concurrent ingest invocations, e.g. 50').check(
    z.gte(2, expect('at least 2 (SQS)')),
  ),
  /** Concurrent sweep workers (the sweep queue's event source mapping). */
  sweepConcurrency: count('concurrent sweep workers, e.g. 20').check(z.gte(2, expect('at least 2 (SQS)'))),
  /** Messages a second the SES account may send (its sending quota); SMS has its own, per number. */
  emailsPerSecond: count('the SES maximum send rate, e.g. 14'),
  /** `POST /events`, requests a second across all callers (HTTP API route throttle). */
  eventsApiPerSecond: count('requests a second, e.g. 2000'),
  /** The public link routes (unsubscribe, preferences, feedback), requests a second. */
  linksApiPerSecond: count('requests a second, e.g. 200'),
});
export type Scale = z.infer<typeof Scale>;

export const DEFAULT_SCALE: Scale = {
  dueShards: 64,
  startsPerSecond: 100,
  startConcurrency: 4,
  ingestConcurrency: 50,
  sweepConcurrency: 20,
  emailsPerSecond: 14,
  eventsApiPerSecond: 2_000,
  linksApiPerSecond: 200,
};

/** The environment variable each scale setting travels in from the stack to the handlers. */
export const SCALE_ENV: Record<keyof Scale, string> = {
  dueShards: 'RAPPORT_DUE_SHARDS',
  startsPerSecond: 'RAPPORT_STARTS_PER_SECOND',
  startConcurrency: 'RAPPORT_START_CONCURRENCY',
  ingestConcurrency: 'RAPPORT_INGEST_CONCURRENCY',
  sweepConcurrency: 'RAPPORT_SWEEP_CONCURRENCY',
  emailsPerSecond: 'RAPPORT_EMAILS_PER_SECOND',
  eventsApiPerSecond: 'RAPPORT_EVENTS_API_PER_SECOND',
  linksApiPerSecond: 'RAPPORT_LINKS_API_PER_SECOND',
};

/** The scale settings from an environment (a missing variable takes its default). */
export function scaleFromEnv(env: Record<string, string | undefined>): Scale {
  const raw = Object.fromEntries(
    (Object.keys(SCALE_ENV) as (keyof Scale)[]).map((k) => {
      const v = env[SCALE_ENV[k]];
      return [k, v === undefined ? DEFAULT_SCALE[k] : Number(v)];
    }),
  );
  return Scale.parse(raw);
}

/** The environment variables that carry `scale` to a function. */
export function scaleEnv(scale: Scale): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(SCALE_ENV) as (keyof Scale)[]).map((k) => [SCALE_ENV[k], String(scale[k])]),
  );
}

/**
 * How long one send-message invocation holds a Lambda slot, as the capacity model measures it (about
 * six DynamoDB calls and the provider's answer, local/capacity/latency.ts), rounded up.
 */
export const SEND_SECONDS = 0.2;

/**
 * Reserved concurrency for send-message: enough slots to send at the SES rate (Little's law: rate ×
 * time per send), twice over for SMS, retries and the slower calls, and no more, so a crowd of due
 * sends queues in Step Functions' Retry and deferral instead of hammering SES into throttling. Never
 * below 2, and never above what AWS lets a function reserve (all but 100 of the account's concurrency).
 */
export function sendConcurrency(scale: Pick<Scale, 'emailsPerSecond'>): number {
  const needed = Math.ceil(scale.emailsPerSecond * SEND_SECONDS * 2);
  return Math.min(AWS_QUOTAS.lambdaConcurrency - 100, Math.max(2, needed));
}
