import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { renderHtmlReport } from '../../adapters/report';
import { editedSimulation, SIMULATION } from '../fixtures/simulation/result';
import { CHROMIUM, drawnMarks, openHtml } from '../support/browser';

/**
 * The report opened in a real browser (Debian's chromium, see ../shared/toolchain.md "Browsers"): every chart
 * draws marks of non-zero size, nothing is logged as an error and nothing is fetched. Set
 * REPORT_SCREENSHOT=docs/report.png to keep a picture of the top of the report for the README.
 */

let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-report-'));
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (name: string, html: string) => openHtml(browser, dir, name, html);

describe('the HTML report in a browser', () => {
  it('draws every chart of a single simulation, with no error and no request', async () => {
    const { page, errors, requests } = await open('report', renderHtmlReport(SIMULATION));
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    const keep = process.env.REPORT_SCREENSHOT;
    if (keep) {
      // The top of the report (stages, messages, first funnels): a README picture, not a 5,000-pixel strip.
      mkdirSync(dirname(keep), { recursive: true });
      await page.screenshot({ path: keep, fullPage: true, clip: { x: 0, y: 0, width: 1400, height: 1500 } });
    }

    const charts = await drawnMarks(page);
    expect(charts.map((c) => c.title)).toEqual([
      'Customers per stage, by week',
      'Messages per journey and channel, by week',
      'Funnel of first-small-purchase',
      'Funnel of dormancy-reactivation',
      'Funnel of birthday-greeting',
      'Skipped messages by reason',
      'Conversion rate per arm of dormancy-reactivation/offer-split',
      'Lift per arm of dormancy-reactivation/offer-split, with 95% intervals',
      'Monthly AWS cost by service',
    ]);
    for (const c of charts)
      expect({ title: c.title, labelled: c.labelled, drawn: c.drawn > 0 }).toEqual({
        title: c.title,
        labelled: true,
        drawn: true,
      });
    // A table beside each chart: the same figures for those who cannot see it.
    expect(await page.$$eval('figure', (fs) => fs.filter((f) => !f.querySelector('table')).length)).toBe(0);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws both versions of a comparison side by side and highlights what changed', async () => {
    const { page, errors, requests } = await open(
      'compare',
      renderHtmlReport(SIMULATION, editedSimulation()),
    );
    const charts = await drawnMarks(page);
    // B has a fourth journey, hence one funnel more.
    expect(charts).toHaveLength(19);
    expect(charts.filter((c) => c.drawn === 0)).toEqual([]);
    const stages = await page.$$eval('svg.chart', (svgs) =>
      svgs.slice(0, 2).map((s) => Math.round(s.getBoundingClientRect().left)),
    );
    expect(stages[1]).toBeGreaterThan((stages[0] ?? 0) + 300);
    const changed = await page.$$eval('.changed', (cells) => cells.map((c) => c.textContent ?? ''));
    expect(changed.some((t) => t.includes('first-small-purchase: messages sent'))).toBe(true);
    expect(changed.some((t) => t === '170')).toBe(true);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
