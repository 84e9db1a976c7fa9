import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

/** Debian's chromium (see ../shared/toolchain.md "Browsers"): no browser download works here. */
export const CHROMIUM = '/usr/bin/chromium';

export interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
}

/** A new page whose uncaught exceptions and console errors are recorded in `errors`. */
export async function watchedPage(
  browser: Browser,
  viewport: { width: number; height: number },
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  return { page, errors };
}

/** Writes `html` to `dir` and opens it, recording console errors and every request it makes. */
export async function openHtml(browser: Browser, dir: string, name: string, html: string): Promise<Opened> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, errors, requests: requests.filter((u) => u !== pathToFileURL(file).href) };
}

/** Per chart: its title and how many of its marks have both a width and a height on screen. */
export function drawnMarks(page: Page) {
  return page.$$eval('svg.chart', (charts) =>
    charts.map((svg) => ({
      title: svg.querySelector('title')?.textContent ?? '',
      labelled: (svg.getAttribute('aria-labelledby') ?? '')
        .split(' ')
        .every((id: string) => (svg.ownerDocument.getElementById(id)?.textContent ?? '').length > 0),
      drawn: [...svg.querySelectorAll('.mark')].filter((m) => {
        const box = m.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
      }).length,
    })),
  );
}
