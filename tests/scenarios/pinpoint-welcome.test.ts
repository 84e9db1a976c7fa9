import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPinpointCommand } from '../../cli/import-pinpoint';
import { WORKFLOWS_DIR } from '../support/paths';
import { expected, loadScenario, runScenario } from './scenario';

/** The Pinpoint fixture imported into a copy of the workflows, as `rapport import pinpoint` does. */
async function imported(): Promise<{ dir: string; journey: string; templates: string[] }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'rapport-pinpoint-scenario-')), 'workflows');
  cpSync(WORKFLOWS_DIR, dir, { recursive: true });
  rmSync(join(dir, 'journeys'), { recursive: true });
  const fixture = join(__dirname, '..', 'fixtures', 'pinpoint', 'welcome');
  const err: string[] = [];
  const code = await importPinpointCommand(
    ['--workflows', dir, fixture],
    () => {},
    (s) => err.push(s),
    {
      clock: { now: () => new Date('2027-05-01T00:00:00Z') },
    },
  );
  if (code !== 3) throw new Error(`import exited ${code}: ${err.join('\n')}`);
  const templates = ['welcome-email', 'gold-offer', 'getting-started-tips'].map((t) =>
    join(dir, 'templates', t),
  );
  expect(readdirSync(join(dir, 'journeys'))).toContain('welcome-series.yaml');
  return { dir, journey: join(dir, 'journeys', 'welcome-series.yaml'), templates };
}

const scenario = loadScenario('pinpoint-welcome.yaml');

test(
  scenario.title,
  async () => {
    const { dir, journey, templates } = await imported();
    try {
      const run = { ...scenario, journeys: [journey], templates };
      expect(await runScenario(run)).toEqual(expected(run));
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  },
  240_000,
);
