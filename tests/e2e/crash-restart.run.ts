/**
 * `npm run test:crash`: the crash test (tests/e2e/crash-restart.test.ts) at the full size, 500
 * purchases unless RAPPORT_CRASH_PURCHASES says otherwise, alone, with its figures printed. `npm test` runs
 * the same test with 100.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const jest = require.resolve('jest/bin/jest', { paths: [root] });
const result = spawnSync(process.execPath, [jest, 'tests/e2e/crash-restart.test.ts', '--maxWorkers=1'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, RAPPORT_CRASH_PURCHASES: process.env.RAPPORT_CRASH_PURCHASES ?? '500' },
});
process.exit(result.status ?? 1);
