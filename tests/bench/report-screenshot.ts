/**
 * Opens a report written by `rapport simulate --report` in Debian's chromium, checks that every chart drew
 * (marks of non-zero size), that nothing was logged as an error and nothing fetched, and keeps a picture
 * of its top: `npx tsx tests/bench/report-screenshot.ts report.html docs/report.png`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, drawnMarks, openHtml } from '../support/browser';

async function main(report: string, png: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-shot-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const { page, errors, requests } = await openHtml(browser, dir, 'report', readFileSync(report, 'utf8'));
    const charts = await drawnMarks(page);
    for (const c of charts) console.log(`${c.drawn > 0 ? 'drawn' : 'EMPTY'}  ${c.drawn} marks  ${c.title}`);
    await page.screenshot({ path: png, fullPage: true, clip: { x: 0, y: 0, width: 1400, height: 1500 } });
    const empty = charts.filter((c) => c.drawn === 0).length;
    console.log(
      `${charts.length} charts, ${empty} empty, ${errors.length} errors, ${requests.length} requests`,
    );
    return empty || errors.length || requests.length ? 1 : 0;
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [report, png] = process.argv.slice(2);
if (!report || !png) {
  console.error('usage: tsx tests/bench/report-screenshot.ts <report.html> <picture.png>');
  process.exit(2);
}
main(report, png).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
