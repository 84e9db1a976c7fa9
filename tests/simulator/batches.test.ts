import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHistoryFile } from '../../adapters/history/file';
import { simulateCommand } from '../../cli/simulate';
import { CDNOW_MAPPING } from '../../domain/simulate/history/mapping';
import type { CustomerEvent } from '../../domain/events/schema';
import { generatePopulation } from '../../domain/simulate/population/generate';
import type { SimulationResult } from '../../domain/simulate/result';
import { batchesFor, batchOf, inShard, type Shard } from '../../domain/simulate/shard';
import { WORKFLOWS_DIR } from '../support/paths';

/**
 * A population simulated a batch at a time (`--batch`): each batch's customers generated or read for it
 * alone, run in a fresh store, the results added up. Customers are independent, so the batches give what
 * the whole gives; and the per-account costs (the sweep's requests) are counted once, not per batch.
 */
const FROM = '2026-01-01T00:00:00.000Z';
const TO = '2026-03-01T00:00:00.000Z';
const YEAR = { customers: 300, from: FROM, to: '2027-01-01T00:00:00.000Z', seed: 5 };

async function collect(events: AsyncIterable<CustomerEvent> | Iterable<CustomerEvent>) {
  const all: CustomerEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
}

/** Each part's events are the whole's events of its customers, in the same order. */
async function expectParts(
  whole: CustomerEvent[],
  part: (shard: Shard) => AsyncIterable<CustomerEvent> | Iterable<CustomerEvent>,
  parts: Shard[],
) {
  let total = 0;
  for (const shard of parts) {
    const events = await collect(part(shard));
    expect(events).toEqual(whole.filter((e) => inShard(e.customerId, shard)));
    total += events.length;
  }
  expect(total).toBe(whole.length);
}

describe('batches of a population', () => {
  it('split a part into batches that together are exactly the part, batch 0 of part 0 being part 0', () => {
    const part = { index: 1, count: 2 };
    const batches = [0, 1, 2].map((b) => batchOf(part, b, 3));
    const ids = Array.from({ length: 3000 }, (_, i) => `gen-${i}`);
    for (const id of ids)
      expect(batches.filter((s) => inShard(id, s)).length).toBe(inShard(id, part) ? 1 : 0);
    expect(batchOf({ index: 0, count: 2 }, 0, 3)).toEqual({ index: 0, count: 6 });
    expect([batchesFor(100_000, { index: 0, count: 2 }, 10_000), batchesFor(10, part, 10_000)]).toEqual([
      5, 1,
    ]);
  });

  it('are generated alone, each customer as in the whole population', async () => {
    const whole = [...generatePopulation(YEAR)];
    const parts = [0, 1, 2].map((index) => ({ index, count: 3 }));
    await expectParts(whole, (shard) => generatePopulation({ ...YEAR, shard }), parts);
  });

  it("are read from a history keeping only the part's lines, sorted in memory or streamed", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-batches-'));
    try {
      // CDNOW's columns: customer, date, items, dollars; several lines a customer, some on one day.
      const lines = Array.from({ length: 240 }, (_, i) => {
        const day = String(1 + ((i * 13) % 28)).padStart(2, '0');
        return {
          id: String(1 + ((i * 7) % 60)).padStart(5, '0'),
          date: `199702${day}`,
          amount: 5 + (i % 40),
        };
      });
      const text = (ls: typeof lines) =>
        ' customer_id  date number_of_cds  dollar_value\n' +
        ls.map((l) => ` ${l.id} ${l.date}  1  ${l.amount}.50\n`).join('');
      const sorted = [...lines].sort((a, b) => a.date.localeCompare(b.date));
      for (const [name, ls, inTimeOrder] of [
        ['any.txt', lines, false],
        ['sorted.txt', sorted, true],
      ] as const) {
        const path = join(dir, name);
        writeFileSync(path, text(ls));
        const file = await readHistoryFile(path, CDNOW_MAPPING);
        expect(file.summary).toMatchObject({ lines: 240, customers: 60, inTimeOrder });
        const whole = await collect(file.eventsOf());
        const parts = [0, 1, 2, 3].map((index) => ({ index, count: 4 }));
        await expectParts(whole, (shard) => file.eventsOf(shard), parts);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('simulated one after another give the result of one run, count for count', async () => {
    const args = ['--generate', '150', '--months', '2', '--sweep', 'daily', '--workflows', WORKFLOWS_DIR];
    const whole = await simulateJson([...args, '--label', 'whole']);
    const batched = await simulateJson([...args, '--batch', '30', '--label', 'batched']);
    expect(whole.customers).toBe(150);
    expect(whole.usage.lambda.sweep?.requests).toBe(
      Math.round((Date.parse(TO) - Date.parse(FROM)) / 86_400_000),
    );
    expect(counted(batched)).toEqual(counted(whole));
    // Each sweep fills its messages to the workers with up to 100 customers: a batch's sweep sends its
    // own, so batches take at most one more worker invocation (and its SQS requests) per sweep each.
    const sweeps = whole.usage.lambda.sweep?.requests ?? 0;
    const workers = [batched, whole].map((r) => r.usage.lambda['sweep-worker']?.requests ?? 0);
    expect(workers[1]).toBeGreaterThan(0);
    expect(workers[0]! - workers[1]!).toBeGreaterThanOrEqual(0);
    expect(workers[0]! - workers[1]!).toBeLessThanOrEqual(sweeps * (150 / 30 - 1));
    // Due-index pages are rounded up to 4 KB each, and a batch's pages are smaller.
    const reads = [batched, whole].map((r) => r.usage.dynamodb.readRequestUnits);
    expect(Math.abs(reads[0]! - reads[1]!)).toBeLessThanOrEqual(reads[1]! * 0.01);
  }, 240_000);
});

async function simulateJson(args: string[]): Promise<SimulationResult> {
  let out = '';
  const code = await simulateCommand(
    ['--json', ...args],
    (s) => (out += s),
    (s) => process.stderr.write(s),
  );
  expect(code).toBe(0);
  return JSON.parse(out) as SimulationResult;
}

/**
 * Everything but the label, what is measured in real time (Lambda durations, and the bill made from
 * them), the due-index reads, and the sweep workers' invocations and queue requests (how full each
 * sweep's messages are depends on the batch).
 */
function counted(r: SimulationResult) {
  const { cost: _cost, label: _label, usage, ...rest } = r;
  const { 'sweep-worker': _worker, ...fns } = usage.lambda;
  const lambda = Object.fromEntries(Object.entries(fns).map(([fn, l]) => [fn, l.requests]));
  const { writeRequestUnits } = usage.dynamodb;
  const { sqsRequests: _sqs, ...others } = usage;
  return { ...rest, usage: { ...others, lambda, dynamodb: { writeRequestUnits } } };
}
