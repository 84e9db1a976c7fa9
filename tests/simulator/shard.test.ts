import { forecastCost } from '../../domain/simulate/cost';
import { mergeResults } from '../../domain/simulate/merge';
import { generatePopulation } from '../../domain/simulate/population/generate';
import type { SimulationResult } from '../../domain/simulate/result';
import { inShard, parseShard } from '../../domain/simulate/shard';
import { simulate } from '../../local/simulator/engine';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * A population simulated in two parts and merged gives what it gives in one piece: customers are
 * independent, so this holds count for count (only measured Lambda durations, and so the bill, differ).
 */
const FROM = '2026-01-01T00:00:00.000Z';
const TO = '2026-04-01T00:00:00.000Z';
const population = () => generatePopulation({ customers: 160, from: FROM, to: TO, seed: 3 });

const run = (shard?: { index: number; count: number }) =>
  simulate({
    workflowsDir: WORKFLOWS_DIR,
    events: population(),
    from: FROM,
    to: TO,
    sweepEveryMs: 86_400_000,
    forecast: forecastCost,
    ...(shard ? { shard } : {}),
  });

/**
 * Everything but what is measured in real time (Lambda durations, and the bill made from them), the
 * due-index reads, whose pages are rounded up to 4 KB per part, and the sweep workers' invocations and
 * queue requests (each part's sweep fills its own messages to the workers).
 */
function counted(r: SimulationResult) {
  const { cost: _cost, usage, ...rest } = r;
  const { 'sweep-worker': _worker, ...fns } = usage.lambda;
  const lambda = Object.fromEntries(Object.entries(fns).map(([fn, l]) => [fn, l.requests]));
  const { writeRequestUnits } = usage.dynamodb;
  const { sqsRequests: _sqs, ...others } = usage;
  return { ...rest, usage: { ...others, lambda, dynamodb: { writeRequestUnits } } };
}

describe('a population simulated in parts', () => {
  it('parses i/N and puts every customer in exactly one part, the parts of similar size', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect([parseShard('4/4'), parseShard('0/0'), parseShard('a/2')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const ids = Array.from({ length: 10_000 }, (_, i) => `cdnow-${String(i).padStart(5, '0')}`);
    const sizes = [0, 1, 2, 3].map((index) => ids.filter((id) => inShard(id, { index, count: 4 })).length);
    expect(sum(sizes)).toBe(10_000);
    for (const size of sizes) expect(Math.abs(size - 2_500)).toBeLessThan(150);
  });

  it('adds up to the same result as the whole, count for count', async () => {
    const whole = await run();
    const parts = [await run({ index: 0, count: 2 }), await run({ index: 1, count: 2 })];
    expect(parts.map((p) => p.customers).every((n) => n > 40)).toBe(true);
    const merged = mergeResults(parts, forecastCost);
    expect(whole.usage.stateTransitions).toBeGreaterThan(0);
    expect(counted(merged)).toEqual(counted(whole));
    // At most one more worker invocation per sweep for the second part.
    const workers = [merged, whole].map((r) => r.usage.lambda['sweep-worker']?.requests ?? 0);
    expect(workers[0]! - workers[1]!).toBeGreaterThanOrEqual(0);
    expect(workers[0]! - workers[1]!).toBeLessThanOrEqual(whole.usage.lambda.sweep?.requests ?? 0);
    const reads = [merged, whole].map((r) => r.usage.dynamodb.readRequestUnits);
    expect(Math.abs(reads[0]! - reads[1]!)).toBeLessThanOrEqual(reads[1]! * 0.01);
  }, 240_000);
});

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
