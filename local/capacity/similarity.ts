import { sendConcurrency, type Scale } from '../../domain/config/scale';
import type { Quotas } from './model';

/** Concurrency an event source mapping cannot go below (SQS's minimum maximumConcurrency). */
const MIN_MAPPING_CONCURRENCY = 2;

export interface Similar {
  k: number;
  scale: Scale;
  quotas: Quotas;
  /**
   * Settings that could not be divided by k (a concurrency below 2 slots): their stage runs faster, for
   * its share of the population, than at full scale. Named with the full-scale and the modelled figure.
   */
  clamped: string[];
}

/**
 * The model of a population N at 1/k: N/k customers (or events), and every rate, quota and concurrency
 * divided by k, so each stage's throughput per customer is the same and the timeline (how long the sweep
 * takes, when the last greeting goes) is the full population's; depths and counts are 1/k of it (× k to
 * project). What does not divide: DynamoDB's partition limits (see below), per-call latencies (they are the same), concurrencies under 2 (kept
 * at 2: see `clamped`), and the page and batch sizes of the handlers (a coordinator run reads fewer pages).
 */
export function similar(scale: Scale, quotas: Quotas, k: number): Similar {
  if (k <= 1) return { k: 1, scale, quotas, clamped: [] };
  const clamped: string[] = [];
  let extraSlots = 0;
  const concurrency = (name: string, full: number) => {
    const exact = full / k;
    const modelled = Math.max(MIN_MAPPING_CONCURRENCY, Math.round(exact));
    if (exact < MIN_MAPPING_CONCURRENCY) {
      clamped.push(`${name} ${full} → ${modelled} (not ${exact.toFixed(2)})`);
      extraSlots += Math.ceil(modelled - exact);
    }
    return modelled;
  };
  const scaled: Scale = {
    dueShards: scale.dueShards,
    startsPerSecond: scale.startsPerSecond / k,
    startConcurrency: concurrency('startConcurrency', scale.startConcurrency),
    ingestConcurrency: concurrency('ingestConcurrency', scale.ingestConcurrency),
    sweepConcurrency: concurrency('sweepConcurrency', scale.sweepConcurrency),
    emailsPerSecond: scale.emailsPerSecond / k,
    eventsApiPerSecond: scale.eventsApiPerSecond / k,
    linksApiPerSecond: scale.linksApiPerSecond / k,
  };
  // sendConcurrency keeps at least 2 slots (and rounds up): a share below that is clamped like the rest.
  const send = sendConcurrency(scale) / k;
  if (send < MIN_MAPPING_CONCURRENCY) {
    const modelled = sendConcurrency(scaled);
    clamped.push(`send-message reserved ${sendConcurrency(scale)} → ${modelled} (not ${send.toFixed(2)})`);
    extraSlots += Math.ceil(modelled - send);
  }
  return {
    k,
    scale: scaled,
    quotas: {
      startExecution: {
        burst: quotas.startExecution.burst / k,
        perSecond: quotas.startExecution.perSecond / k,
      },
      // The slots the clamped settings hold beyond their share come on top, so they take none of the rest's.
      lambdaConcurrency: Math.ceil(quotas.lambdaConcurrency / k) + extraSlots,
      minUnreserved: Math.ceil(quotas.minUnreserved / k),
      // Undivided: most partitions are one customer's, whose load does not grow with the population. The
      // due shards' does: their load × k is what to hold against the quota (DynamoStats.hottestDue).
      dynamoPartition: quotas.dynamoPartition,
    },
    clamped,
  };
}
