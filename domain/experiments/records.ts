/** The experiments' stored records (see CustomerStore in ports.ts and domain/experiments/evaluate.ts). */

/** A split decision, as the index of a split's decisions holds it: enough to read it and when it was made. */
export interface SplitExposure {
  customerId: string;
  decisionKey: string;
  at: string;
}

/** One arm's figures in an experiment's tally or verdict. */
export interface ArmFigures {
  arm: string;
  holdout: boolean;
  customers: number;
  conversions: number;
}

/**
 * What an experiment's evaluation has counted so far: each split decision whose metric window had passed
 * by the time it ran, once, through `countedThrough` (a decision time), so that a sweep reads only the
 * decisions whose window passed since the last one.
 */
export interface ExperimentTally {
  journeyId: string;
  stepId: string;
  countedThrough: string;
  arms: ArmFigures[];
}

/**
 * A split's verdict, recorded by the sweeper the first time an arm beat the control significantly, with
 * the figures at that moment: never changed after (the first verdict stands). With `route`, new entrants
 * outside the holdout take the winner from then on.
 */
export interface ExperimentRecord {
  journeyId: string;
  journeyVersion: number;
  stepId: string;
  winner: string;
  control: string;
  onWinner: 'route' | 'report';
  decidedAt: string;
  reason: string;
  arms: (ArmFigures & { rate: number; lift?: { estimate: number; low: number; high: number } })[];
}
