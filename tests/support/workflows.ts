import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKFLOWS_DIR } from './local';

/** A scratch copy of the shipped workflows, with some files replaced, for validation tests. */
export function workflowsWith(files: Record<string, string | null>): { dir: string; cleanup(): void } {
  const dir = join(mkdtempSync(join(tmpdir(), 'rapport-wf-')), 'workflows');
  cpSync(WORKFLOWS_DIR, dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    if (text === null) rmSync(join(dir, path), { recursive: true, force: true });
    else writeFileSync(join(dir, path), text);
  }
  return { dir, cleanup: () => rmSync(join(dir, '..'), { recursive: true, force: true }) };
}
