import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

/**
 * Calls `onChange` once edits under the workflows folder have settled. Each folder is watched on its own:
 * Node 20's recursive watch on Linux misses changes after an editor replaces a file (a rename), which a
 * watch on the folder itself sees. Folders added later are picked up on the next change.
 */
export function watchWorkflows(dir: string, onChange: () => void, quietMs = 300): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  let pending: NodeJS.Timeout | undefined;
  const changed = (file: string | Buffer | null) => {
    if (file && !/\.ya?ml$/.test(String(file)) && String(file).includes('.')) return;
    clearTimeout(pending);
    pending = setTimeout(() => {
      scan(dir);
      onChange();
    }, quietMs);
  };
  const scan = (folder: string) => {
    if (!watchers.has(folder))
      watchers.set(
        folder,
        watch(folder, (_event, file) => changed(file)),
      );
    for (const entry of readdirSync(folder, { withFileTypes: true }))
      // Generated from the schemas, not edited by people.
      if (entry.isDirectory() && entry.name !== 'schemas') scan(join(folder, entry.name));
  };
  scan(dir);
  return {
    close() {
      clearTimeout(pending);
      for (const w of watchers.values()) w.close();
    },
  };
}
