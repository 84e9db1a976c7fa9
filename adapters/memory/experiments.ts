import type {
  CustomerStore,
  DecisionRecord,
  ExperimentRecord,
  ExperimentTally,
  SplitExposure,
} from '../../domain/ports';

type ExperimentParts = Pick<
  CustomerStore,
  'listSplitExposures' | 'getExperiment' | 'recordExperiment' | 'getExperimentTally' | 'putExperimentTally'
>;

const copy = <T>(value: T): T => structuredClone(value);

/**
 * The in-memory side of the experiments (see adapters/dynamodb/experiments.ts): each split's decisions
 * by time, as the DynamoDB adapter indexes them, and the verdicts and tallies. `decision` says whether a
 * decision is still stored: an erased customer's decisions leave the index with them, as there.
 */
export function memoryExperiments(
  decision: (customerId: string, key: string) => DecisionRecord | undefined,
): {
  parts: ExperimentParts;
  /** Called with each split decision stored. */
  exposed(record: DecisionRecord): void;
} {
  const exposures = new Map<string, SplitExposure[]>();
  const verdicts = new Map<string, ExperimentRecord>();
  const tallies = new Map<string, ExperimentTally>();
  const key = (journeyId: string, stepId: string) => `${journeyId}\u0000${stepId}`;
  return {
    exposed(r) {
      if (r.kind !== 'split') return;
      const k = key(r.journeyId, r.stepId);
      // Appended in place: a copy per decision would make a large simulated campaign quadratic.
      let list = exposures.get(k);
      if (!list) exposures.set(k, (list = []));
      list.push({ customerId: r.customerId, decisionKey: r.decisionKey, at: r.at });
    },
    parts: {
      async *listSplitExposures(journeyId, stepId, { after, through }, pageSize) {
        const found = (exposures.get(key(journeyId, stepId)) ?? []).filter(
          (e) => e.at > after && e.at <= through && decision(e.customerId, e.decisionKey) !== undefined,
        );
        for (let i = 0; i < found.length; i += pageSize) yield copy(found.slice(i, i + pageSize));
      },
      getExperiment: async (journeyId, stepId) => {
        const v = verdicts.get(key(journeyId, stepId));
        return v && copy(v);
      },
      recordExperiment: async (record) => {
        const k = key(record.journeyId, record.stepId);
        if (!verdicts.has(k)) verdicts.set(k, copy(record));
        return copy(verdicts.get(k)!);
      },
      getExperimentTally: async (journeyId, stepId) => {
        const t = tallies.get(key(journeyId, stepId));
        return t && copy(t);
      },
      putExperimentTally: async (tally) => {
        tallies.set(key(tally.journeyId, tally.stepId), copy(tally));
      },
    },
  };
}
