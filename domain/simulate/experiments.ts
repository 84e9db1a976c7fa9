import { compareArms, MIN_ARM_CUSTOMERS, type ArmStats } from '../experiments/stats';
import type { ArmResult, ExperimentResult } from './result';

export type ArmCount = Pick<ArmResult, 'arm' | 'holdout' | 'customers' | 'conversions'>;

/**
 * A split's result from its arms' counts: each arm's rate, its lift against the control and the verdict,
 * by the shared statistics (compareArms: Newcombe's interval), so that the simulator's report gives the
 * interval the console's Experiments page and the sweeper's verdicts give for the same counts.
 */
export function experimentOf(journeyId: string, stepId: string, counts: ArmCount[]): ExperimentResult {
  const { arms } = compareArms(counts);
  return {
    journeyId,
    stepId,
    arms: arms.map(({ verdict: _perArm, ...arm }) => arm),
    verdict: verdict(arms),
  };
}

/** The split's verdict: none until every arm has its minimum; then the best arm the interval calls a winner. */
function verdict(arms: ArmStats[]): string {
  if (arms.length < 2 || arms.some((a) => a.customers < MIN_ARM_CUSTOMERS)) return 'not enough customers';
  const [best] = arms.filter((a) => a.verdict === 'winner').sort((a, b) => b.rate - a.rate);
  return best ? `winner: ${best.arm}` : 'no difference yet';
}
