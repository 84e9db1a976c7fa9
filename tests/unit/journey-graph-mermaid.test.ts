import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadWorkflows } from '../../domain/config/load';
import { journeyDiagram, journeyToMermaid } from '../../domain/journey/graph';
import { diagramSvg } from '../../local/console/diagram';
import { Journey } from '../../domain/journey/schema';
import { holdoutSplit, testJourney } from '../support/journeys';
import { WORKFLOWS_DIR } from '../support/paths';

/** Mermaid's own parser (mermaid + jsdom, in a child process: see tests/support/mermaid-parse.mjs). */
function mermaidParse(diagrams: { name: string; text: string }[]): { name: string; error?: string }[] {
  const result = spawnSync(process.execPath, [join(__dirname, '..', 'support', 'mermaid-parse.mjs')], {
    input: JSON.stringify(diagrams),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`mermaid-parse failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { name: string; error?: string }[];
}

describe('rapport graph output parses as Mermaid', () => {
  it('for every shipped journey, the every-step fixture and a split with a holdout', () => {
    const everyStep = Journey.parse(
      parse(readFileSync(join(__dirname, '..', 'golden', 'fixtures', 'every-step.yaml'), 'utf8')),
    );
    const holdout = testJourney({
      id: 'holdout-test',
      description: 'Labels with parentheses, quotes and percentages',
      entry: { event: 'purchase' },
      steps: [holdoutSplit('test', 'done'), { id: 'done', type: 'exit' }],
    });
    const journeys = [
      ...loadWorkflows(WORKFLOWS_DIR).journeys.map((j) => j.journey),
      everyStep,
      holdout,
      experiment,
      clicked,
    ];
    const diagrams = journeys.map((j) => ({ name: j.id, text: journeyToMermaid(j) }));
    // The parser is real: the unquoted label Rapport used to emit is refused.
    diagrams.push({ name: 'unquoted', text: 'flowchart TD\n  a -->|holdout 10% (holdout)| b\n' });

    const results = mermaidParse(diagrams);

    expect(results.filter((r) => r.error).map((r) => r.name)).toEqual(['unquoted']);
    expect(results).toHaveLength(journeys.length + 1);
    expect(journeyToMermaid(holdout)).toContain('s_test -->|"holdout 10% (holdout)"| s_done');
  });
});

const experiment = testJourney({
  id: 'experiment-test',
  description: 'A branch, a bounded wait, an experiment, a goal and a re-entry rule',
  entry: { event: 'purchase' },
  goal: { event: 'purchase', within: '30d' },
  reEntry: { every: '90d' },
  steps: [
    {
      id: 'near',
      type: 'wait',
      until: { holiday: ['spring-festival', 'mid-autumn'], timeOfDay: '10:00', within: '14d' },
    },
    {
      id: 'who',
      type: 'branch',
      paths: [
        { name: 'vip', when: { tier: 'vip' }, next: 'ab' },
        { name: 'loyal', when: { stage: ['loyal', 'active'], purchaseCount: { min: 2 } }, next: 'ab' },
      ],
      default: 'done',
    },
    {
      id: 'ab',
      type: 'split',
      paths: [
        { name: 'offer', percent: 90, next: 'done' },
        { name: 'holdout', percent: 10, next: 'done', holdout: true },
      ],
      experiment: { metric: { event: 'purchase', within: '14d' }, minSample: 200, onWinner: 'route' },
    },
    { id: 'done', type: 'exit' },
  ],
});

describe('rapport graph says what decides each edge and the rules of the journey', () => {
  const text = journeyToMermaid(experiment);

  it('labels branch edges with their conditions, in the words the console explains decisions in', () => {
    expect(text).toContain('s_who -->|"vip: tier is vip"| s_ab');
    expect(text).toContain('s_who -->|"loyal: stage in loyal, active and purchaseCount ≥ 2"| s_ab');
    expect(text).toContain('s_who -->|"otherwise"| s_done');
  });

  it('shows a wait-until bound, the split arms with percent and holdout, the goal, re-entry and experiment', () => {
    expect(text).toContain('wait until spring-festival or mid-autumn 10:00 within 14d (else no wait)');
    expect(text).toContain('s_ab -->|"offer 90%"| s_done');
    expect(text).toContain('s_ab -->|"holdout 10% (holdout)"| s_done');
    expect(journeyDiagram(experiment).rules).toEqual([
      'goal: purchase within 30d',
      're-entry: at most every 90d',
      'experiment ab: purchase within 14d, 200 per arm, winner: gets new entrants',
    ]);
    expect(text).toContain('start -.- rules');
  });

  it('draws the same conditions and rules in the console diagram', () => {
    const svg = diagramSvg(journeyDiagram(experiment), new Map(), 'experiment-test');
    expect(svg).toContain('<title>loyal: stage in loyal, active and purchaseCount ≥ 2</title>');
    expect(svg).toContain('>goal: purchase within 30d</text>');
    expect(svg).toContain('>re-entry: at most every 90d</text>');
  });
});

const clicked = testJourney({
  id: 'clicked-test',
  description: 'An exclusive journey waiting for a click on its email',
  entry: { event: 'purchase' },
  exclusive: 'reactivation',
  priority: 20,
  steps: [
    { id: 'thank-you', type: 'send', channel: 'email', template: 'thanks', category: 'transactional' },
    {
      id: 'clicked',
      type: 'wait-for-event',
      event: 'email-clicked',
      timeout: '3d',
      onEvent: 'done',
      onTimeout: 'opened',
    },
    {
      id: 'opened',
      type: 'wait-for-event',
      event: 'email-opened',
      message: 'thank-you',
      timeout: '1d',
      onEvent: 'done',
      onTimeout: 'done',
    },
    { id: 'done', type: 'exit' },
  ],
});

describe('rapport graph shows interplay and engagement waits', () => {
  it('names the exclusive group and priority, with the mode when settings give it', () => {
    expect(journeyDiagram(clicked).rules).toContain('exclusive: reactivation, priority 20');
    const groups = { reactivation: { onHigherPriority: 'preempt' as const } };
    expect(journeyDiagram(clicked, groups).rules).toContain(
      'exclusive: reactivation, priority 20 (a higher priority: preempt)',
    );
    expect(journeyDiagram({ ...clicked, exclusive: undefined, priority: 5 }).rules).toContain(
      'priority 5 (no exclusive group)',
    );
    expect(journeyDiagram(experiment).rules.some((r) => r.includes('priority'))).toBe(false);
  });

  it('says which message an engagement wait is about, named or the send before it', () => {
    const text = journeyToMermaid(clicked);
    expect(text).toContain('clicked: wait up to 3d for a click on thank-you');
    expect(text).toContain('opened: wait up to 1d for an open of thank-you');
    expect(text).toContain('s_clicked -->|"clicked"| s_done');
    expect(text).toContain('s_clicked -->|"no click in 3d"| s_opened');
  });
});
