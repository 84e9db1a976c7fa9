import type { ArmResult, ExperimentResult } from './result';

/**
 * Below this many customers in an arm (or its control) no verdict is given: an early run of a few customers
 * would flip between verdicts. The simulator's report and the console's Experiments page both use it.
 */
export const MIN_ARM_CUSTOMERS = 30;

/** The arm every other is compared with: the holdout, or the first arm when the split has none. */
export function controlOf<T extends { holdout: boolean }>(arms: readonly T[]): T | undefined {
  return arms.find((a) => a.holdout) ?? arms[0];
}

export type ArmCount = Pick<ArmResult, 'arm' | 'holdout' | 'customers' | 'conversions'>;

/** A split's result from its arms' counts: each arm's rate, its lift against the control, a verdict. */
export function experimentOf(journeyId: string, stepId: string, counts: ArmCount[]): ExperimentResult {
  const arms = liftAgainstControl(counts.map((a) => ({ ...a, rate: a.conversions / a.customers })));
  return { journeyId, stepId, arms, verdict: verdict(arms) };
}

/** The difference in conversion rate against the holdout (or the first arm), with a normal 95% interval. */
function liftAgainstControl(arms: Omit<ArmResult, 'lift'>[]): ArmResult[] {
  const control = controlOf(arms);
  return arms.map((arm) => {
    if (!control || arm === control) return arm;
    const se = Math.sqrt(
      (arm.rate * (1 - arm.rate)) / arm.customers + (control.rate * (1 - control.rate)) / control.customers,
    );
    const estimate = arm.rate - control.rate;
    return { ...arm, lift: { estimate, low: estimate - 1.96 * se, high: estimate + 1.96 * se } };
  });
}

function verdict(arms: ArmResult[]): string {
  if (arms.length < 2 || arms.some((a) => a.customers < MIN_ARM_CUSTOMERS)) return 'not enough customers';
  const winners = arms.filter((a) => a.lift && a.lift.low > 0).sort((a, b) => b.rate - a.rate);
  return winners[0] ? `winner: ${winners[0].arm}` : 'no difference yet';
}
