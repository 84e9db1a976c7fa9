import BTree from 'sorted-btree';
import { DEFAULT_SCALE } from '../../domain/config/scale';
import { shardOf } from '../dynamodb/due-shard';
import type { DueWork } from '../../domain/ports';

/** Where an indexed customer sits: (shard, due value, table key), the GSI's order with ties on the key. */
type IndexKey = readonly [shard: number, at: string, tableKey: string];

/** The table key of a customer's profile, which the index ties on. */
export const profileKey = (customerId: string) => `${customerId}/PROFILE`;

/** DynamoDB compares string keys by their bytes; for the ASCII keys Rapport writes, that is code-unit order. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Customer id → due value, as tests read and plant it, kept in index order as well (due value, then
 * table key, as the GSI orders ties), so that reading what is due never walks the customers not yet due.
 */
export class DueIndex extends Map<string, string> {
  /** (shard, due value, table key) → customer id. */
  readonly ordered = new BTree<IndexKey, string>(
    undefined,
    (a, b) => a[0] - b[0] || byteOrder(a[1], b[1]) || byteOrder(a[2], b[2]),
  );
  /** Each indexed customer's place in `ordered`: its shard hashed once, and a move that stays put skipped. */
  private readonly places = new Map<string, IndexKey>();

  /** `shards`: scale.dueShards, as the DynamoDB adapter is given it. */
  constructor(readonly shards: number = DEFAULT_SCALE.dueShards) {
    super();
  }

  override set(customerId: string, at: string): this {
    const before = this.places.get(customerId);
    if (before?.[1] === at) return this;
    if (before !== undefined) this.ordered.delete(before);
    const place: IndexKey = [
      before?.[0] ?? shardOf(customerId, this.shards),
      at,
      before?.[2] ?? profileKey(customerId),
    ];
    this.ordered.set(place, customerId);
    this.places.set(customerId, place);
    return super.set(customerId, at);
  }

  override delete(customerId: string): boolean {
    const before = this.places.get(customerId);
    if (before === undefined) return false;
    this.ordered.delete(before);
    this.places.delete(customerId);
    return super.delete(customerId);
  }

  override clear(): void {
    this.ordered.clear();
    this.places.clear();
    super.clear();
  }

  /**
   * A shard's customers due at `until` or before, in index order; after `after` (a due value and
   * customer id, exclusive) when given.
   */
  dueIn(
    shard: number,
    until: string,
    after?: { dueAt: string; customerId: string },
  ): [at: string, customerId: string][] {
    const due: [string, string][] = [];
    // No due value is empty, so [shard, '', ''] is before every item of the shard and after the last one before.
    const from: IndexKey = after ? [shard, after.dueAt, profileKey(after.customerId)] : [shard, '', ''];
    this.ordered.forRange(from, [shard + 1, '', ''], false, ([, at, key], customerId) => {
      if (after && at === after.dueAt && key === from[2]) return undefined;
      if (at > until) return { break: true };
      due.push([at, customerId]);
      return undefined;
    });
    return due;
  }

  /** The earliest due value in any shard: a replay skips the sweeps that would find no one due. */
  earliest(): string | undefined {
    let earliest: string | undefined;
    for (let shard = 0; shard < this.shards; shard++) {
      // No due value is empty, so this is before every item of the shard.
      const first = this.ordered.nextHigherKey([shard, '', '']);
      if (first?.[0] === shard && (earliest === undefined || byteOrder(first[1], earliest) < 0))
        earliest = first[1];
    }
    return earliest;
  }
}

/** The table key an index entry ties on (the customer's profile, or the event's record). */
export function workKey(work: DueWork): string {
  return work.kind === 'claim' ? `${work.customerId}/EVENT#${work.eventId}` : profileKey(work.customerId);
}

const indexOrder = ([x, a]: [string, DueWork], [y, b]: [string, DueWork]) =>
  byteOrder(x, y) || byteOrder(workKey(a), workKey(b));

/**
 * The pages the DynamoDB adapter gives for these shards: it reads every shard side by side, a page of
 * each at a time, and yields the pages that hold work, shard by shard, round by round.
 */
export function* sideBySide(shards: DueWork[][], pageSize: number): Generator<DueWork[]> {
  for (let start = 0; shards.some((shard) => shard.length > start); start += pageSize)
    for (const shard of shards) {
      const page = shard.slice(start, start + pageSize);
      if (page.length > 0) yield page;
    }
}

/** Two runs of index entries, each in index order, as one run in index order. */
export function mergeInIndexOrder(a: [string, DueWork][], b: [string, DueWork][]): DueWork[] {
  const out: DueWork[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && (y === undefined || indexOrder(x, y) <= 0)) {
      out.push(x[1]);
      i++;
    } else if (y !== undefined) {
      out.push(y[1]);
      j++;
    }
  }
  return out;
}
