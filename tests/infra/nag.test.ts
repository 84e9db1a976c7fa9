import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { loadWorkflows, type Workflows } from '../../domain/config/load';
import { buildApp } from '../../infra/build-app';
import { FAST_SYNTH, scratchWorkflows, templateIds, writeJourney } from './support';

interface Violation {
  ruleName: string;
  violatingConstructs: { constructPath: string }[];
}
interface Report {
  pluginReports: {
    pluginName: string;
    violations: Violation[];
    suppressedViolations?: (Violation & { acknowledgedId: string; acknowledgedAt: string })[];
  }[];
}

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * Synthesizes the real app (nag included) without esbuild, from the shipped workflows unless given others;
 * returns the error, if any, and the validation report.
 */
function synthApp(workflows?: Workflows): { app: App; error: Error | undefined; report: Report } {
  const outdir = mkdtempSync(join(tmpdir(), 'rapport-nag-'));
  outdirs.push(outdir);
  const { app } = buildApp({ appProps: { ...FAST_SYNTH, outdir }, ...(workflows ? { workflows } : {}) });
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
  return { app, error, report };
}

/** Every acknowledgement recorded in the app: where, which rule, why. */
function acknowledgementsIn(
  app: App,
): { path: string; construct: IConstruct; id: string; reason: unknown }[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          construct,
          id,
          reason,
        })),
      ),
  );
}

const violationsOf = (report: Report) => report.pluginReports.flatMap((r) => r.violations);

describe('cdk-nag AwsSolutions', () => {
  const checked = synthApp();

  it('finds nothing unacknowledged: synth succeeds and the validation report is empty', () => {
    expect(checked.error).toBeUndefined();
    expect(violationsOf(checked.report)).toEqual([]);
  });

  const acknowledgements = acknowledgementsIn(checked.app);

  it('has every acknowledgement scoped to a construct, with a specific reason', () => {
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect(ack.id).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(typeof ack.reason).toBe('string');
      expect((ack.reason as string).trim().length).toBeGreaterThanOrEqual(40);
      // Never the whole app or stack: each one names the resource it excuses.
      expect(ack.construct instanceof App || Stack.isStack(ack.construct)).toBe(false);
    }
  });

  it('runs, and every acknowledgement excuses a finding it reports at that construct', () => {
    const pack = checked.report.pluginReports.find((r) => r.pluginName === 'AwsSolutions');
    expect(pack).toBeDefined();
    const excused = pack!.suppressedViolations ?? [];
    for (const ack of acknowledgements) {
      const used = excused.some((v) => v.acknowledgedId === ack.id && v.acknowledgedAt === ack.path);
      expect({ acknowledgement: `${ack.id} on ${ack.path}`, used }).toEqual({
        acknowledgement: `${ack.id} on ${ack.path}`,
        used: true,
      });
    }
  });
});

describe('cdk-nag AwsSolutions, whatever steps the shipped journeys use', () => {
  // A journey of every kind of Task (send, branch, task), so that each grant it brings is checked even if no
  // shipped journey uses that step today.
  const fixture = scratchWorkflows((dir) => {
    for (const file of readdirSync(join(dir, 'journeys'))) rmSync(join(dir, 'journeys', file));
    const [template] = templateIds(dir);
    writeJourney(dir, {
      id: 'nag-fixture',
      version: 1,
      description: 'Every kind of Task state, for the cdk-nag test',
      entry: { event: 'purchase' },
      steps: [
        { id: 'hello', type: 'send', channel: 'email', template, topic: 'offers' },
        {
          id: 'vip-or-not',
          type: 'branch',
          paths: [{ name: 'vip', when: { tier: 'vip' }, next: 'call' }],
          default: 'done',
        },
        { id: 'call', type: 'task', assignee: 'relationship-manager', title: 'Call this customer' },
        { id: 'done', type: 'exit' },
      ],
    });
  });
  afterAll(() => fixture.cleanup());

  it('finds nothing unacknowledged in a journey with send, branch and task steps', () => {
    const { error, report } = synthApp(loadWorkflows(fixture.dir));
    expect(error).toBeUndefined();
    expect(violationsOf(report)).toEqual([]);
  });
});
