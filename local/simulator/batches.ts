import { mergeResults } from '../../domain/simulate/merge';
import { NO_COST, type SimulationResult, type Usage } from '../../domain/simulate/result';
import { batchOf, type Shard } from '../../domain/simulate/shard';
import { simulate, type SimulateOptions } from './engine';

export interface BatchedOptions extends Omit<SimulateOptions, 'events' | 'shard' | 'onProgress'> {
  /** The events of one part of the population, read or generated for that part alone. */
  eventsOf: (shard: Shard) => SimulateOptions['events'];
  /** This process's part of the population (the whole by default). */
  part?: Shard;
  /** How many batches to simulate the part in, one after another (batchesFor in shard.ts). */
  batches: number;
  /** How far the part has got: `share` from 0 to 1 (batches done, and the current one's time). */
  onProgress?: (done: { share: number; events: number }) => void;
}

/**
 * Simulates a part of the population a batch at a time, each batch in a run of its own (a fresh
 * in-memory store, as if alone), and adds the batches' results up as the parts of `--workers` are
 * (merge.ts): customers are independent, so the sum is the whole part's result, and memory is that of
 * one batch however large the population. Batch 0 of part 0 alone counts the per-account costs (the
 * sweep's requests and empty index queries), as part 0 does across processes.
 */
export async function simulateInBatches(options: BatchedOptions): Promise<SimulationResult> {
  const { eventsOf, part = { index: 0, count: 1 }, batches, onProgress, ...rest } = options;
  const from = Date.parse(options.from);
  const span = Math.max(1, Date.parse(options.to) - from);
  const results: SimulationResult[] = [];
  let eventsBefore = 0;
  // A batch's or a part's bill is forecast again from the summed usage when merged (merge.ts); a small
  // one may have no customer, from which nothing can be scaled.
  const merged = batches > 1 || part.count > 1;
  const forecast = (usage: Usage) => (merged && usage.customers === 0 ? NO_COST : options.forecast(usage));
  for (let b = 0; b < batches; b++) {
    const shard = batchOf(part, b, batches);
    const result = await simulate({
      ...rest,
      forecast,
      events: eventsOf(shard),
      ...(shard.count > 1 ? { shard } : {}),
      onProgress: ({ events, at }) => {
        const ofBatch = Math.min(1, Math.max(0, (Date.parse(at) - from) / span));
        onProgress?.({ share: (b + ofBatch) / batches, events: eventsBefore + events });
      },
    });
    eventsBefore += result.events;
    results.push(result);
    onProgress?.({ share: (b + 1) / batches, events: eventsBefore });
  }
  return results.length === 1 ? results[0]! : mergeResults(results, options.forecast);
}
