/**
 * The statistics of a split's arms, one code for the console's Experiments page, the sweeper's verdicts
 * (evaluate.ts) and the simulator's report (simulate/experiments.ts), so that a winner the sweeper routes
 * to is the winner the page shows, and a simulated lift has the interval the console would give it.
 */

/**
 * Below this many customers in an arm (or its control) no verdict is given: an early run of a few customers
 * would flip between verdicts. The simulator's report and the console's Experiments page both use it.
 */
export const MIN_ARM_CUSTOMERS = 30;

/** The arm every other is compared with: the holdout, or the first arm when the split has none. */
export function controlOf<T extends { holdout: boolean }>(arms: readonly T[]): T | undefined {
  return arms.find((a) => a.holdout) ?? arms[0];
}

/** The two-sided 95% normal quantile. */
const Z = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

export type Verdict = 'winner' | 'worse' | 'no difference yet' | 'not enough customers' | 'control';

export interface ArmStats {
  arm: string;
  holdout: boolean;
  customers: number;
  conversions: number;
  /** conversions / customers; 0 for an arm no one took yet. */
  rate: number;
  /** Rate minus the control's (the holdout, or the first arm), with its 95% interval; absent on the control. */
  lift?: { estimate: number } & Interval;
  verdict: Verdict;
}

/** Wilson's score interval for a proportion x/n (defined at 0 and n, unlike the normal one). */
export function wilson(x: number, n: number): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = x / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The 95% interval of p1 − p2 by Newcombe's hybrid score method (his method 10, 1998): each rate's Wilson
 * interval combined. Chosen over the normal (Wald) one because it stays inside [−1, 1] and is not of zero
 * width when an arm has no conversion or converts everyone, which early experiments do.
 */
export function newcombe(x1: number, n1: number, x2: number, n2: number): { estimate: number } & Interval {
  const p1 = n1 === 0 ? 0 : x1 / n1;
  const p2 = n2 === 0 ? 0 : x2 / n2;
  const a = wilson(x1, n1);
  const b = wilson(x2, n2);
  const estimate = p1 - p2;
  return {
    estimate,
    low: estimate - Math.hypot(p1 - a.low, b.high - p2),
    high: estimate + Math.hypot(a.high - p1, p2 - b.low),
  };
}

type Count = Pick<ArmStats, 'customers' | 'conversions'>;

/** The verdict on one arm against the control: only when both have MIN_ARM_CUSTOMERS, from the interval. */
export function verdictOf(arm: Count, control: Count, lift: Interval): Exclude<Verdict, 'control'> {
  if (Math.min(arm.customers, control.customers) < MIN_ARM_CUSTOMERS) return 'not enough customers';
  if (lift.low > 0) return 'winner';
  if (lift.high < 0) return 'worse';
  return 'no difference yet';
}

/** Every arm's rate, and each but the control's lift against it and verdict. */
export function compareArms(counts: readonly (Count & { arm: string; holdout: boolean })[]): {
  control: string;
  arms: ArmStats[];
} {
  const control = controlOf(counts);
  const arms = counts.map((a): ArmStats => {
    const rate = a.customers === 0 ? 0 : a.conversions / a.customers;
    if (!control || a === control) return { ...a, rate, verdict: 'control' };
    const lift = newcombe(a.conversions, a.customers, control.conversions, control.customers);
    return { ...a, rate, lift, verdict: verdictOf(a, control, lift) };
  });
  return { control: control?.arm ?? '', arms };
}
