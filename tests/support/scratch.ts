import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import { clearInbox, startTestRuntime, WORKFLOWS_DIR } from './local';
import { workflowsWith } from './workflows';

export interface ScratchRuntime {
  runtime: LocalRuntime;
  /** Present when the runtime runs on virtual time. */
  time: VirtualTime | undefined;
  stop(): Promise<void>;
}

/**
 * A local runtime on a scratch copy of the shipped workflows with extra journeys (`name → YAML`), an empty
 * inbox and no sweeper; on virtual time from `virtualStart` if given. `alone` drops the shipped journeys,
 * so that only the test's own answer its events; `files` adds others (a template: `templates/<id>/en.yaml`).
 */
export async function startScratchRuntime(
  journeys: Record<string, string>,
  options: { virtualStart?: string; alone?: boolean; files?: Record<string, string> } = {},
): Promise<ScratchRuntime> {
  const shipped = options.alone
    ? Object.fromEntries(readdirSync(join(WORKFLOWS_DIR, 'journeys')).map((f) => [`journeys/${f}`, null]))
    : {};
  const extra = Object.fromEntries(
    Object.entries(journeys).map(([id, yaml]) => [`journeys/${id}.yaml`, yaml]),
  );
  const wf = workflowsWith({ ...shipped, ...extra, ...options.files });
  const time = options.virtualStart ? installVirtualTime(options.virtualStart) : undefined;
  const runtime = await startTestRuntime(time?.clock, { workflowsDir: wf.dir, sweepEveryMs: 0 });
  await clearInbox(runtime);
  return {
    runtime,
    time,
    stop: async () => {
      await runtime.stop();
      time?.uninstall();
      wf.cleanup();
    },
  };
}
