import type { Experiment, ArmStats } from '../../domain/console/experiments';
import { MIN_ARM_CUSTOMERS } from '../../domain/console/experiments';
import { escapeHtml as esc } from '../../functions/shared/http';
import { journeyHref } from './journeys';
import { table } from './pages';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
/** A difference of rates in percentage points, signed. */
const points = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x * 100).toFixed(1)} pt`;

function liftText(a: ArmStats): string {
  if (!a.lift) return '—';
  const { estimate, low, high } = a.lift;
  return `${points(estimate)} [${points(low)}, ${points(high)}]`;
}

/** An arm's cells under the columns arm, customers, conversions, rate, lift and verdict. */
export const armCells = (label: string, a: ArmStats) => [
  label,
  a.customers,
  a.conversions,
  percent(a.rate),
  liftText(a),
  a.verdict,
];

function experimentTable(x: Experiment): string {
  const goal = x.goal ? `${x.goal.event} within ${x.goal.within}` : 'no goal: nothing converts';
  const rows = x.arms.map((a) => armCells(a.holdout ? `${a.arm} (holdout)` : a.arm, a));
  return (
    `<h2><a href="${esc(journeyHref(x.journeyId))}">${esc(x.journeyId)}</a> · split ${esc(x.stepId)}</h2>` +
    `<p>Goal: ${esc(goal)}. Each arm against ${esc(x.control)}.</p>` +
    recordedText(x) +
    table(
      `${x.journeyId} / ${x.stepId}`,
      ['arm', 'customers', 'conversions', 'rate', 'lift [95% CI]', 'verdict'],
      rows,
    )
  );
}

/** The sweeper's verdict, when one was recorded: when, why, and whether new entrants now take the winner. */
function recordedText(x: Experiment): string {
  const r = x.recorded;
  if (!r) return '';
  const effect =
    r.onWinner === 'route'
      ? `Since then, new entrants outside the holdout take ${r.winner}.`
      : 'Reported only: entrants still take their own arm.';
  return `<p class="verdict">Winner ${esc(r.winner)}, recorded ${esc(r.decidedAt)}: ${esc(r.reason)}. ${esc(effect)}</p>`;
}

/** Every split's arms: customers, conversions within the goal window, lift against the control, verdict. */
export function renderExperiments(experiments: readonly Experiment[]): string {
  if (experiments.length === 0)
    return '<h1>Experiments</h1><p class="none">No experiments yet: add a split step to a journey.</p>';
  return (
    '<h1>Experiments</h1>' +
    `<p>Lift is the difference in conversion rate against the holdout (or the first arm), in percentage points, ` +
    `with a 95% interval (Newcombe's hybrid score method). No verdict below ${MIN_ARM_CUSTOMERS} customers in an arm.</p>` +
    experiments.map(experimentTable).join('')
  );
}
