import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Another Rapport (a live process) already runs on this data folder. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    options?: { cause?: unknown },
  ) {
    super(`another Rapport is already running on ${dataDir} (pid ${pid})`, options);
    this.name = 'DataDirInUseError';
  }
}

export interface InstanceLock {
  release(): void;
}

const LOCK_FILE = 'rapport.pid';
/** Lock files this process holds: its own pid in a file it did not write is a stale lock from a previous
 * process that had the same pid (a container's pid 1 after a restart), not a second runtime here. */
const held = new Set<string>();

/**
 * Claims `dataDir` for this process with a file holding its pid, before dynalite opens LevelDB there (two
 * processes on one LevelDB fail with a stack trace from deep inside it). A lock whose process is gone
 * (killed, crashed) is stale and taken over.
 */
export function lockDataDir(dataDir: string): InstanceLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // 'wx' fails if the file exists: of two processes starting at once, exactly one creates it.
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      held.add(file);
      return { release: () => releaseIfOurs(file) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readPid(file);
      const staleOwnPid = holder === process.pid && !held.has(file);
      if (holder !== undefined && !staleOwnPid && isAlive(holder))
        throw new DataDirInUseError(dataDir, holder, { cause: e });
      rmSync(file, { force: true });
    }
  }
  throw new DataDirInUseError(dataDir, readPid(file) ?? 0);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 tests whether a process exists without touching it; EPERM means it exists but is not ours. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfOurs(file: string): void {
  if (!held.delete(file)) return;
  if (readPid(file) === process.pid) rmSync(file, { force: true });
}
