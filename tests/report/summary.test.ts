import { renderSummary } from '../../adapters/report';
import { editedSimulation, SIMULATION } from '../fixtures/simulation/result';

const linesOf = (text: string) => text.split('\n');

/** The lines of one section of the summary: from its title to the next blank line. */
function section(text: string, title: string): string[] {
  const lines = linesOf(text);
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) throw new Error(`no section ${title} in:\n${text}`);
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const squash = (l: string) => l.trim().replace(/ {2,}/g, ' | ');

describe('renderSummary', () => {
  const text = renderSummary(SIMULATION);

  it('states the simulation, its period and its population', () => {
    expect(linesOf(text).slice(0, 2)).toEqual([
      'Simulation: workflows/ at main',
      'Period: 2026-01-05 → 2026-03-16 (10 weeks)',
    ]);
    expect(section(text, 'Population').map(squash)).toEqual([
      'customers | 1,000',
      'events | 4,321',
      'weeks | 10',
    ]);
  });

  it('says which journeys and states the Step Functions bill is made of, with their share of its cost', () => {
    const perTransition = (n: number) => {
      const line = SIMULATION.cost.lines.find((l) => l.service === 'Step Functions')!;
      return `$${((n * line.usdPerMonthPerMillionCustomers) / SIMULATION.usage.stateTransitions).toFixed(2)}`;
    };
    expect(section(text, 'Step Functions transitions by journey').map(squash)).toEqual([
      'transitions | share | per 1M customers per month',
      `first-small-purchase | 4,140 | 100.0% | ${perTransition(4140)}`,
    ]);
    expect(section(text, 'Step Functions: the 10 states entered most').map(squash)).toEqual([
      'transitions | share | per 1M customers per month',
      `first-small-purchase: thank-you | 1,500 | 36.2% | ${perTransition(1500)}`,
      `first-small-purchase: thank-you-deferred | 1,500 | 36.2% | ${perTransition(1500)}`,
      `first-small-purchase: let-it-arrive | 1,140 | 27.5% | ${perTransition(1140)}`,
    ]);
  });

  it('lists final stages and tiers, right-aligned in one column', () => {
    const stages = section(text, 'Final stages');
    expect(stages.map(squash)).toEqual([
      'prospect | 20',
      'new | 170',
      'active | 378',
      'at-risk | 214',
      'lost | 218',
    ]);
    expect(new Set(stages.map((l) => l.length)).size).toBe(1);
    expect(section(text, 'Final tiers').map(squash)).toEqual(['standard | 764', 'silver | 168', 'gold | 68']);
  });

  it('gives per journey its starts, outcomes, goals and messages sent', () => {
    const journeys = section(text, 'Journeys').map(squash);
    expect(journeys).toEqual(
      expect.arrayContaining([
        'first-small-purchase: started | 320',
        'first-small-purchase: ended running | 50',
        'first-small-purchase: conversions (attributed) | 52',
        'first-small-purchase: goal reached (all goal events) | 60',
        'first-small-purchase: messages sent | 490',
        'birthday-greeting: messages sent | 78',
      ]),
    );
  });

  it('gives skips by reason, experiments with lift and verdict, and the cost with and without SES/SMS', () => {
    expect(section(text, 'Skipped messages by reason').map(squash)).toContain('frequency cap | 37');
    const experiments = section(text, 'Experiments').map(squash);
    expect(experiments[0]).toBe('customers | conversions | rate | lift (95% CI)');
    expect(experiments).toContain(
      'dormancy-reactivation/offer-split: discount-10 | 60 | 14 | 23.3% | +13.3 pp [+0.2, +26.5]',
    );
    expect(experiments).toContain('dormancy-reactivation/offer-split: holdout | 60 | 6 | 10.0%');
    expect(experiments).toContain('dormancy-reactivation/offer-split: verdict | winner: discount-10');
    const cost = section(text, 'AWS cost per month (us-east-1, prices of 2026-11-01)').map(squash);
    expect(cost).toContain('Step Functions: state transitions | $0.0450 | $45.00');
    expect(cost).toContain('total | $0.1313 | $131.33');
    expect(cost).toContain('total without SES and SMS | $0.0584 | $58.35');
  });
});

describe('renderSummary with a comparison', () => {
  const text = renderSummary(SIMULATION, editedSimulation());
  const marked = (title: string) => section(text, title).filter((l) => l.startsWith('* '));

  it('names both versions and shows A, B and the difference, marking only the rows that changed', () => {
    expect(linesOf(text).slice(0, 2)).toEqual([
      'A: workflows/ at main, 2026-01-05 → 2026-03-16 (10 weeks)',
      'B: workflows/ at my-branch, 2026-01-05 → 2026-03-16 (10 weeks)',
    ]);
    expect(marked('Journeys').map(squash)).toEqual([
      '* first-small-purchase: messages sent | 490 | 460 | -30',
      '* win-back: started | — | 40 | new',
      '* win-back: ended completed | — | 40 | new',
      '* win-back: conversions (attributed) | — | 0 | new',
      '* win-back: goal reached (all goal events) | — | 0 | new',
      '* win-back: messages sent | — | 40 | new',
    ]);
    expect(marked('Skipped messages by reason').map(squash)).toEqual([
      '* consent | 45 | 42 | -3',
      '* frequency cap | 37 | 30 | -7',
    ]);
    expect(marked('Final stages')).toEqual([]);
    expect(marked('AWS cost per month').map(squash)).toEqual([
      '* Step Functions: state transitions | $0.0450 | $0.0500 | +$0.0050 | $45.00 | $50.00 | +$5.00',
      '* total | $0.1313 | $0.1363 | +$0.0050 | $131.33 | $136.33 | +$5.00',
      '* total without SES and SMS | $0.0584 | $0.0634 | +$0.0050 | $58.35 | $63.35 | +$5.00',
    ]);
  });

  it('marks a changed verdict and lift, one figure per row', () => {
    const b = editedSimulation();
    const arm = b.experiments[0]?.arms[0];
    if (!arm?.lift || !b.experiments[0]) throw new Error('fixture: no lift');
    arm.lift = { estimate: 0.05, low: -0.07, high: 0.17 };
    b.experiments[0].verdict = 'no difference yet';
    const lines = section(renderSummary(SIMULATION, b), 'Experiments').filter((l) => l.startsWith('* '));
    expect(lines.map(squash)).toEqual([
      '* dormancy-reactivation/offer-split: discount-10 · lift (95% CI) | +13.3 pp [+0.2, +26.5] | +5.0 pp [-7.0, +17.0] | changed',
      '* dormancy-reactivation/offer-split: verdict | winner: discount-10 | no difference yet | changed',
    ]);
  });

  it('marks nothing when the two versions agree', () => {
    expect(
      linesOf(renderSummary(SIMULATION, structuredClone(SIMULATION))).filter((l) => l.startsWith('*')),
    ).toEqual([]);
  });
});
