import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Activity } from '../../local/activity';
import { Closers } from '../../local/closers';
import { LOCAL_DUE_SHARDS, startStore } from '../../local/store';

describe("the local store's due shards", () => {
  const closers = new Closers();
  afterEach(() => closers.closeAll());

  it('lets a fresh in-memory table have fewer shards, and says how many it has', async () => {
    const options = { dataDir: undefined, port: 0, host: '127.0.0.1', tableName: 'shards', dueShards: 2 };
    expect((await startStore(options, new Activity(), closers)).dueShards).toBe(2);
  });

  it('refuses other than LOCAL_DUE_SHARDS on a data folder, whose due index was written with them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rapport-shards-'));
    try {
      const options = { dataDir, port: 0, host: '127.0.0.1', tableName: 'shards', dueShards: 2 };
      await expect(startStore(options, new Activity(), closers)).rejects.toThrow(
        `dueShards: 2 on the data folder ${dataDir}: expected ${LOCAL_DUE_SHARDS}`,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
