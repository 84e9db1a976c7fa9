import type { Clock } from '../clock';
import type { CustomerStore, ExperimentRecord } from '../ports';

/** How long "no verdict yet" is believed before the store is asked again. */
export const NO_VERDICT_TTL_MS = 5 * 60_000;

export interface VerdictReader {
  /** The split's recorded verdict, if any. */
  get(journeyId: string, stepId: string): Promise<ExperimentRecord | undefined>;
}

/**
 * The verdicts a split that routes its winner reads, kept for the life of the container: a verdict is
 * final (recordExperiment keeps the first), so one found is kept for good; none found is asked again after
 * NO_VERDICT_TTL_MS. So a routing split costs at most one read per container per split per 5 minutes, and
 * new entrants take the winner at most that long after the sweeper recorded it.
 */
export function verdictCache(
  store: Pick<CustomerStore, 'getExperiment'>,
  clock: Clock,
  ttlMs = NO_VERDICT_TTL_MS,
): VerdictReader {
  const known = new Map<string, { record?: ExperimentRecord; until: number }>();
  return {
    async get(journeyId, stepId) {
      const key = `${journeyId}\u0000${stepId}`;
      const now = clock.now().getTime();
      const hit = known.get(key);
      if (hit && (hit.record || hit.until > now)) return hit.record;
      const record = await store.getExperiment(journeyId, stepId);
      known.set(key, { ...(record && { record }), until: now + ttlMs });
      return record;
    },
  };
}
