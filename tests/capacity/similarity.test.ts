import { DEFAULT_SCALE } from '../../domain/config/scale';
import { DEFAULT_QUOTAS } from '../../local/capacity/model';
import { similar } from '../../local/capacity/similarity';

describe('capacity model at 1/k scale', () => {
  it('divides every rate and quota by k, and keeps a concurrency below 2 at 2, naming it', () => {
    const scale = { ...DEFAULT_SCALE, startsPerSecond: 250, emailsPerSecond: 300 };
    const s = similar(scale, DEFAULT_QUOTAS, 25);
    expect(s.scale).toMatchObject({
      startsPerSecond: 10,
      emailsPerSecond: 12,
      eventsApiPerSecond: 80,
      ingestConcurrency: 2,
      sweepConcurrency: 2,
      startConcurrency: 2,
      dueShards: scale.dueShards,
    });
    expect(s.quotas.startExecution).toEqual({ burst: 52, perSecond: 12 });
    // Per-customer partitions do not grow with the population: their limits stay.
    expect(s.quotas.dynamoPartition).toEqual(DEFAULT_QUOTAS.dynamoPartition);
    expect(s.clamped.map((c) => c.split(' ')[0])).toEqual(['startConcurrency', 'sweepConcurrency']);
    // The slots the clamped settings hold beyond their share come on top of the account's 1/k.
    expect(s.quotas.lambdaConcurrency).toBeGreaterThan(DEFAULT_QUOTAS.lambdaConcurrency / 25);
  });

  it('leaves everything as it is at k = 1', () => {
    const s = similar(DEFAULT_SCALE, DEFAULT_QUOTAS, 1);
    expect(s).toEqual({ k: 1, scale: DEFAULT_SCALE, quotas: DEFAULT_QUOTAS, clamped: [] });
  });
});
