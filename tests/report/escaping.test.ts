import { JSDOM } from 'jsdom';
import type { SimulationResult } from '../../domain/simulate/result';
import { renderHtmlReport, renderSummary } from '../../adapters/report';
import { editedSimulation, SIMULATION } from '../fixtures/simulation/result';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(2)>';

/** The fixture with markup wherever the data carries a name: journey, step, stage, channel, reason, arm, service, label. */
function hostile(base: SimulationResult): SimulationResult {
  const r = structuredClone(base);
  r.label = `main & ${SCRIPT}`;
  const j = r.journeys[0]!;
  const oldId = j.journeyId;
  j.journeyId = SCRIPT;
  j.funnel[1]!.stepId = IMG;
  j.outcomes = { [IMG]: 1 };
  for (const w of r.weeks) {
    w.messages[SCRIPT] = { [IMG]: 3, ...w.messages[oldId] };
    delete w.messages[oldId];
    w.stages[IMG] = 1;
  }
  r.finalStages[SCRIPT] = 1;
  r.skipped[IMG] = 2;
  r.experiments[0]!.journeyId = SCRIPT;
  r.experiments[0]!.arms[0]!.arm = IMG;
  r.experiments[0]!.verdict = `winner: ${IMG}`;
  r.cost.lines[0]!.service = SCRIPT;
  return r;
}

function parse(html: string) {
  return new JSDOM(html).window.document;
}

describe('the HTML report escapes every string from the data', () => {
  it.each([
    ['alone', () => renderHtmlReport(hostile(SIMULATION))],
    ['compared', () => renderHtmlReport(SIMULATION, hostile(editedSimulation()))],
  ])('%s: no element comes from the data, and the names still read as written', (_, render) => {
    const html = render();
    const doc = parse(html);
    expect(doc.querySelectorAll('script, img')).toHaveLength(0);
    expect([...doc.querySelectorAll('*')].filter((e) => e.hasAttribute('onerror'))).toEqual([]);
    expect(html).not.toMatch(/<script|<img/i);
    // Escaped, not dropped: the reader sees the names as the data has them.
    const text = doc.body.textContent ?? '';
    expect(text).toContain(SCRIPT);
    expect(text).toContain(IMG);
    expect(doc.title).toContain('<script>');
  });

  it('escapes the text alternatives of the charts too', () => {
    const doc = parse(renderHtmlReport(hostile(SIMULATION)));
    const descriptions = [...doc.querySelectorAll('svg desc')].map((d) => d.textContent ?? '');
    expect(descriptions.some((d) => d.includes(SCRIPT))).toBe(true);
    expect(doc.querySelectorAll('svg script, svg img')).toHaveLength(0);
  });
});

describe('the terminal summary', () => {
  it('prints names as given (a terminal runs no markup)', () => {
    expect(renderSummary(hostile(SIMULATION))).toContain(`${SCRIPT}: started`);
  });
});
