/**
 * What a store's requests move, told as they are made, in the measure DynamoDB bills: an item's size is
 * its JSON's bytes. The memory store measures each item once, when it is written, so that whoever prices
 * the requests (the simulator) never serializes a record again.
 */
export interface StoreMeter {
  /** One read request; `bytes`: its result's JSON (0 when nothing was found). */
  read(bytes: number): void;
  /**
   * One write request; `bytes`: the item written (0 for a delete or an update that names only a key).
   * `indexed` when the item is in the sparse due index as well, which DynamoDB bills as a second write.
   */
  wrote(bytes: number, indexed: boolean): void;
}

/** The bytes of a value as JSON, as DynamoDB sizes an item (0 for nothing). */
export function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

/** The bytes of a JSON array of items of these sizes: brackets and the commas between them. */
export function listBytes(sizes: readonly number[]): number {
  let bytes = 2 + Math.max(0, sizes.length - 1);
  for (const size of sizes) bytes += size;
  return bytes;
}

/**
 * Records by key (as kept: private copies), each with its size. A record set directly (tests plant
 * records) is measured when first asked for, so a size never outlives the record it measured.
 */
export class Items<T> extends Map<string, T> {
  private readonly sizes = new Map<string, number>();

  /** Keeps `record`, already measured at `bytes`. */
  keep(key: string, record: T, bytes: number): void {
    super.set(key, record);
    this.sizes.set(key, bytes);
  }

  override set(key: string, record: T): this {
    this.sizes.delete(key);
    return super.set(key, record);
  }

  override delete(key: string): boolean {
    this.sizes.delete(key);
    return super.delete(key);
  }

  override clear(): void {
    this.sizes.clear();
    super.clear();
  }

  /** The record's size as JSON (0 when there is none). */
  bytes(key: string): number {
    const record = super.get(key);
    if (record === undefined) return 0;
    let bytes = this.sizes.get(key);
    if (bytes === undefined) this.sizes.set(key, (bytes = jsonBytes(record)));
    return bytes;
  }
}

/** The parts that hold something: a fact not found is absent, as the DynamoDB adapter leaves it. */
export function definedOnly<T extends object>(facts: T): T {
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as T;
}
