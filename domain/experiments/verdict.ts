import type { Experiment as ExperimentSpec } from '../journey/schema';
import { compareArms, type ArmStats } from './stats';

export type ArmCount = Pick<ArmStats, 'arm' | 'holdout' | 'customers' | 'conversions'>;

/** What the sweeper concludes about a split's experiment at one moment: a winner, or why there is none yet. */
export interface ExperimentVerdict {
  winner?: string;
  control: string;
  arms: ArmStats[];
  /** In words, for the console and `rapport why`: the figures behind the verdict. */
  reason: string;
}

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const pp = (r: number) => `${r >= 0 ? '+' : ''}${(r * 100).toFixed(1)} pts`;

/**
 * The verdict rule: no winner until every arm (the control too) has `minSample` customers whose window has
 * passed; then the best-converting arm whose lift over the control has a 95% interval above zero
 * (compareArms: Newcombe's interval, the console's own), if any. A holdout is never the winner: it is
 * the control, kept to measure against.
 */
export function experimentVerdict(counts: readonly ArmCount[], spec: ExperimentSpec): ExperimentVerdict {
  const { control, arms } = compareArms(counts);
  const short = arms.find((a) => a.customers < spec.minSample);
  if (short)
    return {
      control,
      arms,
      reason: `not enough customers: "${short.arm}" has ${short.customers} of ${spec.minSample} whose ${spec.metric.within} window has passed`,
    };
  const [best] = arms
    .filter((a) => a.verdict === 'winner' && !a.holdout)
    .sort((a, b) => b.rate - a.rate || b.customers - a.customers);
  const base = arms.find((a) => a.arm === control);
  if (!best?.lift || !base)
    return { control, arms, reason: 'no arm converts significantly better than the control yet' };
  const { estimate, low, high } = best.lift;
  return {
    winner: best.arm,
    control,
    arms,
    reason:
      `"${best.arm}" converted ${pct(best.rate)} (${best.conversions} of ${best.customers}) against ${pct(base.rate)} ` +
      `(${base.conversions} of ${base.customers}) for the control "${control}": ${pp(estimate)}, 95% interval ` +
      `${pp(low)} to ${pp(high)}; ${spec.metric.event} within ${spec.metric.within}`,
  };
}

/**
 * The arm a new entrant takes once a winner is known: the holdout keeps its share (so the control goes on
 * being measured, and the lift can still be reported); everyone else takes the winner.
 */
export function routedArm<P extends { name: string; holdout: boolean }>(
  chosen: P,
  paths: readonly P[],
  winner: string,
): P {
  if (chosen.holdout) return chosen;
  return paths.find((p) => p.name === winner) ?? chosen;
}
