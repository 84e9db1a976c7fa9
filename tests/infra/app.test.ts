import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journeyFiles, REPO_ROOT, rewriteJourney, scratchWorkflows, TEST_SENDER } from './support';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  outdir: string;
}

const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the CDK app as `cdk synth` does (`tsx infra/app.ts` with CDK_OUTDIR and CDK_CONTEXT_JSON), without esbuild. */
function runApp(context: Record<string, unknown>): Promise<Run> {
  const outdir = mkdtempSync(join(tmpdir(), 'rapport-app-'));
  scratch.push(outdir);
  return new Promise((resolve) => {
    execFile(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['infra/app.ts'],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_VALIDATION: 'false',
          CDK_CONTEXT_JSON: JSON.stringify({
            'aws:cdk:bundling-stacks': [],
            senderAddress: TEST_SENDER,
            ...context,
          }),
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr, outdir }),
    );
  });
}

const broken = scratchWorkflows((dir) => {
  const [first] = journeyFiles(dir);
  rewriteJourney(join(dir, 'journeys', first!), (doc) => ({ ...doc, id: 'not-the-file-name' }));
});
afterAll(() => broken.cleanup());

let valid: Run;
let invalid: Run;
let badSetting: Run;
let badSettings: Run;
beforeAll(async () => {
  [valid, invalid, badSetting, badSettings] = await Promise.all([
    runApp({}),
    runApp({ workflowsDir: broken.dir }),
    runApp({ sweepEvery: '90m' }),
    // Refused before any workflow is read: quick.
    runApp({ stage: 'qa', stages: { dev: {}, prod: {} }, senderAddress: 'no-reply@example.com' }),
  ]);
}, 180_000); // three synths (and a refusal) side by side; slow on a busy 2-core CI machine

describe('infra/app.ts', () => {
  it('synthesizes the shipped workflows and exits 0', () => {
    expect(valid.stderr).not.toMatch(/Error/);
    expect(valid.code).toBe(0);
    const template = JSON.parse(readFileSync(join(valid.outdir, 'Rapport.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    expect(Object.values(template.Resources).some((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toBe(
      true,
    );
  });

  it('refuses invalid workflows: non-zero exit, each problem with file:line:column and field, no stack trace', () => {
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/Invalid workflows in .*: 1 problem/);
    expect(invalid.stderr).toMatch(
      /journeys\/[a-z0-9-]+\.yaml:\d+:\d+ id: got "not-the-file-name"; expected "[a-z0-9-]+", the file's name/,
    );
    expect(invalid.stderr).toMatch(/Nothing was synthesized/);
    expect(invalid.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(invalid.outdir, 'Rapport.template.json'))).toBe(false);
  });

  it('refuses an invalid deployment setting by name, with what it expects, and no stack trace', () => {
    expect(badSetting.code).not.toBe(0);
    expect(badSetting.stderr).toMatch(
      /Invalid deployment setting: context sweepEvery: got "90m"; expected whole minutes between sweeps, from 1 to 1440/,
    );
    expect(badSetting.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(badSetting.outdir, 'Rapport.template.json'))).toBe(false);
  });

  it('refuses several deployment settings at once, each named, and synthesizes nothing', () => {
    expect(badSettings.code).not.toBe(0);
    expect(badSettings.stderr).toContain('Invalid deployment settings (2 problems):');
    expect(badSettings.stderr).toMatch(
      /^ {2}context stage: got "qa", which cdk.json does not define; .*\(dev, prod\)/m,
    );
    expect(badSettings.stderr).toMatch(
      /^ {2}context senderAddress: got "no-reply@example.com", on example.com, a domain reserved/m,
    );
    expect(badSettings.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(badSettings.outdir, 'manifest.json'))).toBe(false);
  });
});
