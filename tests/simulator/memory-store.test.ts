import { DueIndex } from '../../adapters/memory/due-index';
import { jsonBytes, listBytes } from '../../adapters/memory/items';
import { shardOf } from '../../adapters/dynamodb/due-shard';
import { DEFAULT_SCALE } from '../../domain/config/scale';
import { AT, entry, profile } from '../contract/records';

describe("the memory store's measures and due index, which the simulation leans on", () => {
  it('sizes a list from its items as JSON.stringify would', () => {
    const items = [profile('c-1'), entry('c-1', 'j-1', 'x-1'), { note: 'naïve — ünïcode' }];
    for (const list of [[], items.slice(0, 1), items])
      expect(listBytes(list.map(jsonBytes))).toBe(Buffer.byteLength(JSON.stringify(list)));
  });

  it('keeps each shard in due order through moves, moves that stay put, and deletes', () => {
    const index = new DueIndex();
    const ids = Array.from({ length: 40 }, (_, i) => `c-${i}`);
    const at = (minute: number) => new Date(Date.parse(AT) + minute * 60_000).toISOString();
    ids.forEach((id, i) => index.set(id, at((i * 7) % 13)));
    ids.forEach((id, i) => index.set(id, at((i * 7) % 13)));
    ids.forEach((id, i) => i % 3 === 0 && index.set(id, at(20 + (i % 5))));
    ids.forEach((id, i) => i % 4 === 1 && index.delete(id));
    expect(index.ordered.size).toBe(index.size);
    const until = at(21);
    for (let shard = 0; shard < DEFAULT_SCALE.dueShards; shard++) {
      const expected = [...index]
        .filter(([id, due]) => shardOf(id, DEFAULT_SCALE.dueShards) === shard && due <= until)
        .sort(([a, x], [b, y]) => (x < y ? -1 : x > y ? 1 : `${a}/PROFILE` < `${b}/PROFILE` ? -1 : 1))
        .map(([id, due]) => [due, id]);
      expect(index.dueIn(shard, until)).toEqual(expected);
    }
    expect(index.earliest()).toBe(at(0));
    index.clear();
    expect(index.ordered.size).toBe(0);
    expect(index.earliest()).toBeUndefined();
  });
});
