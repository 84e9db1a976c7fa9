import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadWorkflows } from '../../domain/config/load';
import { journeyToMermaid } from '../../domain/journey/graph';
import { Journey } from '../../domain/journey/schema';
import { holdoutSplit, testJourney } from '../support/journeys';
import { WORKFLOWS_DIR } from '../support/local';

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
    const journeys = [...loadWorkflows(WORKFLOWS_DIR).journeys.map((j) => j.journey), everyStep, holdout];
    const diagrams = journeys.map((j) => ({ name: j.id, text: journeyToMermaid(j) }));
    // The parser is real: the unquoted label Rapport used to emit is refused.
    diagrams.push({ name: 'unquoted', text: 'flowchart TD\n  a -->|holdout 10% (holdout)| b\n' });

    const results = mermaidParse(diagrams);

    expect(results.filter((r) => r.error).map((r) => r.name)).toEqual(['unquoted']);
    expect(results).toHaveLength(journeys.length + 1);
    expect(journeyToMermaid(holdout)).toContain('s_test -->|"holdout 10% (holdout)"| s_done');
  });
});
