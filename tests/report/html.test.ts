import { JSDOM } from 'jsdom';
import type { SimulationResult } from '../../domain/simulate/result';
import { renderHtmlReport } from '../../adapters/report';
import { editedSimulation, SIMULATION } from '../fixtures/simulation/result';

const parse = (html: string) => new JSDOM(html).window.document;

/** Per version column of a section: legend name → colour. */
function legends(doc: Document, section: string): Record<string, string>[] {
  const h2 = [...doc.querySelectorAll('h2')].find((h) => h.textContent === section);
  const columns = [...(h2?.parentElement?.querySelectorAll('.versions > div') ?? [])];
  return columns.map((c) =>
    Object.fromEntries(
      [...c.querySelectorAll('.legend li')].map((li) => [
        li.textContent ?? '',
        li.querySelector('span')?.getAttribute('style') ?? '',
      ]),
    ),
  );
}

describe('renderHtmlReport', () => {
  it('draws no funnel for a journey no customer entered (CDNOW has no birthdays)', () => {
    const quiet: SimulationResult = structuredClone(SIMULATION);
    const birthday = quiet.journeys.find((j) => j.journeyId === 'birthday-greeting')!;
    Object.assign(birthday, { started: 0, outcomes: {}, goalReached: 0, conversions: 0 });
    for (const step of birthday.funnel) Object.assign(step, { entered: 0, sent: 0, skipped: {} });
    const titles = (r: SimulationResult) =>
      [...parse(renderHtmlReport(r)).querySelectorAll('svg.chart title')].map((t) => t.textContent);
    expect(titles(SIMULATION)).toContain('Funnel of birthday-greeting');
    expect(titles(quiet)).not.toContain('Funnel of birthday-greeting');
    expect(titles(quiet)).toContain('Funnel of first-small-purchase');
  });

  it('keeps a stage its colour in both versions when only one of them has another stage', () => {
    const b = editedSimulation();
    for (const w of b.weeks) w.stages = { vip: 5, ...w.stages };
    const [inA, inB] = legends(parse(renderHtmlReport(SIMULATION, b)), 'Lifecycle stages');
    expect(Object.keys(inB ?? {})).toEqual(['vip', 'prospect', 'new', 'active', 'at-risk', 'lost']);
    for (const stage of Object.keys(inA ?? {})) expect([stage, inB?.[stage]]).toEqual([stage, inA?.[stage]]);
  });

  it('keeps a journey and channel its colour in both versions', () => {
    const b = editedSimulation();
    for (const w of b.weeks) w.messages = { 'win-back': { email: 4 }, ...w.messages };
    const [inA, inB] = legends(parse(renderHtmlReport(SIMULATION, b)), 'Messages');
    for (const series of Object.keys(inA ?? {}))
      expect([series, inB?.[series]]).toEqual([series, inA?.[series]]);
  });

  it('draws the same scale on both sides of a comparison', () => {
    const doc = parse(renderHtmlReport(SIMULATION, editedSimulation()));
    const topTick = (i: number) =>
      [...(doc.querySelectorAll('svg.chart')[i]?.querySelectorAll('text.tick') ?? [])]
        .map((t) => t.textContent)
        .join(' ');
    // The messages charts are the third and fourth (after both stage charts); B sends more per week.
    expect(topTick(2)).toBe(topTick(3));
  });

  it('renders an empty simulation without a NaN anywhere', () => {
    const empty: SimulationResult = {
      ...structuredClone(SIMULATION),
      customers: 0,
      events: 0,
      weeks: [],
      finalStages: {},
      finalTiers: {},
      journeys: [],
      skipped: {},
      experiments: [],
      cost: { ...SIMULATION.cost, lines: [] },
    };
    const html = renderHtmlReport(empty);
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
    expect(parse(html).querySelectorAll('section').length).toBeGreaterThan(5);
  });
});
