import type { Activity } from './activity';
import type { Closers } from './closers';

/**
 * Runs the sweep every `everyMs` (as EventBridge Scheduler does on AWS); 0 turns it off. Each run counts
 * as work in flight, so that a stop waits for it and virtual time never jumps during one.
 */
export function startSweeper(
  everyMs: number,
  sweep: () => Promise<unknown>,
  activity: Activity,
  closers: Closers,
): void {
  if (everyMs <= 0) return;
  const timer = setInterval(() => {
    void activity.track(sweep).catch((e: unknown) => console.error('sweep failed:', e));
  }, everyMs);
  timer.unref?.();
  closers.add(() => clearInterval(timer));
}
