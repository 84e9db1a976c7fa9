import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import * as semver from 'semver';
import { loadWorkflows } from '../../domain/config/load';
import { SendDeferredError, VersionConflictError } from '../../domain/errors';
import { ALL_FUNCTIONS, type AnyFunctionName, type FunctionName } from '../../functions/routes';
import { gte as shimGte } from '../../functions/shared/semver-shim';
import { builtFunctions, LAMBDA_TASK_ROOT, writeFunctionAsset } from '../../infra/function-bundles';
import { HandlerFunction, LAMBDA_WORKFLOWS_FILE } from '../../infra/handler-function';
import { LAMBDA_ENV } from '../support/lambda-env';
import { REPO_ROOT, WORKFLOWS_DIR } from './support';

/** Synthesizes journey-step (reads no workflows) and send-message (reads them) with bundling on. */
function synthTwo(outdir: string): { codes: Map<FunctionName, string>; template: Template } {
  // Bundling on (unlike fastApp), CloudFormation validation off: only the packages are looked at.
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Bundle');
  const workflows = loadWorkflows(WORKFLOWS_DIR);
  const made = new Map<FunctionName, HandlerFunction>();
  for (const [id, name] of [
    ['Step', 'journey-step'],
    ['Send', 'send-message'],
  ] as const)
    made.set(
      name,
      new HandlerFunction(stack, id, {
        name,
        projectRoot: REPO_ROOT,
        ...(name === 'send-message' ? { workflows } : {}),
        environment: { TABLE_NAME: 'rapport' },
        logRetention: RetentionDays.ONE_DAY,
        timeout: Duration.seconds(30),
      }),
    );
  const template = Template.fromStack(stack);
  app.synth();
  const codes = new Map<FunctionName, string>();
  // The staged package: the function's Code asset, in the cloud assembly.
  for (const [name, f] of made)
    codes.set(name, join(outdir, (f.fn.node.findChild('Code') as Asset).assetPath));
  return { codes, template };
}

describe('a bundled handler', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'rapport-bundle-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const { codes: assets, template } = synthTwo(outdir);
  const code = (name: FunctionName) => readFileSync(join(assets.get(name) as string, 'index.js'), 'utf8');

  /**
   * Retry and Catch match an error by its name. The bundles are minified without `keepNames`, so the classes
   * are renamed: the name each class states (tests/unit/error-names.test.ts) is what must be in the bundle.
   */
  it('keeps the class names of the errors Step Functions retries or catches', () => {
    // journey-step raises VersionConflictError (an update step that kept losing the race); send-message
    // SendDeferredError, which the compiled send's Catch takes to the wait.
    expect(code('journey-step')).toContain(`"${VersionConflictError.name}"`);
    expect(code('send-message')).toContain(`"${SendDeferredError.name}"`);
  });

  it('packages the workflows as the data the compiler produces, only for a handler that reads them', () => {
    const file = join(assets.get('send-message') as string, 'workflows.json');
    const shipped: unknown = JSON.parse(readFileSync(file, 'utf8'));
    // A fresh load: what send-message reads of the workflows (WORKFLOW_PARTS), and nothing else: no journeys.
    const { settings, templates, layouts } = loadWorkflows(WORKFLOWS_DIR);
    expect(shipped).toEqual({ settings, templates, layouts });
    expect(LAMBDA_WORKFLOWS_FILE).toBe(join(LAMBDA_TASK_ROOT, 'workflows.json'));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Rapport send-message',
      Environment: { Variables: { WORKFLOWS_FILE: LAMBDA_WORKFLOWS_FILE } },
    });
    expect(existsSync(join(assets.get('journey-step') as string, 'workflows.json'))).toBe(false);
    expect(readdirSync(assets.get('journey-step') as string).sort()).toEqual(['index.js', 'index.js.map']);
  });
});

describe('every function bundle', () => {
  const built = builtFunctions(REPO_ROOT);
  const outputOf = (name: AnyFunctionName) =>
    Object.entries(built.metafile.outputs).find(([path]) => path.endsWith(`${name}/index.js`))?.[1];
  const inputsOf = (name: AnyFunctionName): string[] => Object.keys(outputOf(name)?.inputs ?? {});

  it('leaves the YAML parser and the workflow loader out, and MIME, Liquid and SMS parts to send-message', () => {
    for (const name of ALL_FUNCTIONS) {
      const inputs = inputsOf(name);
      expect(inputs.length).toBeGreaterThan(0);
      expect(inputs.filter((i) => /node_modules\/yaml\/|domain\/config\/load\.ts/.test(i))).toEqual([]);
      const heavy = inputs.filter((i) =>
        /node_modules\/(nodemailer|liquidjs|sms-segments-calculator)\//.test(i),
      );
      if (name === 'send-message') expect(heavy).not.toEqual([]);
      else expect({ name, heavy }).toEqual({ name, heavy: [] });
    }
  });

  /**
   * A Task builds the schemas of what it reads, not those of journeys, events, settings or link claims,
   * which it is handed already checked (the workflows are compiled data) or never reads: each one left
   * in costs bytes and cold-start time (zod builds every schema at module load).
   */
  it('leaves out of send-message and journey-step the schemas they never parse', () => {
    const schemas = /domain\/(journey\/schema|events\/schema|config\/settings|messages\/links)\.ts$/;
    for (const name of ['send-message', 'journey-step'] as const)
      expect({ name, schemas: inputsOf(name).filter((i) => schemas.test(i)) }).toEqual({ name, schemas: [] });
  });

  /**
   * semver is replaced by a `gte` of its own (functions/shared/semver-shim.ts): right only while the X-Ray
   * SDK's v2 patcher is the one importer, and while it compares plain versions as semver does.
   */
  it('gives semver only to the X-Ray SDK, as a gte that agrees with semver', () => {
    const importers = Object.entries(built.metafile.inputs)
      .filter(([, input]) => input.imports.some((i) => i.path.endsWith('semver-shim.ts')))
      .map(([path]) => path);
    expect(importers).toEqual(['node_modules/aws-xray-sdk-core/dist/lib/patchers/aws_p.js']);
    expect(Object.keys(built.metafile.inputs).filter((i) => i.includes('node_modules/semver/'))).toEqual([]);
    const pairs = [
      ['2.7.15', '2.7.15'],
      ['2.1692.0', '2.7.15'],
      ['2.7.9', '2.7.15'],
      ['24.11.1', '8.0.0'],
      ['3.0.0', '2.99.99'],
      ['1.10.0', '1.9.0'],
    ] as const;
    for (const [a, b] of pairs) expect({ a, b, gte: shimGte(a, b) }).toEqual({ a, b, gte: semver.gte(a, b) });
  });

  it("gives send-message Liquid's ES module build, not its CommonJS one", () => {
    const liquid = inputsOf('send-message').filter((i) => i.includes('node_modules/liquidjs/'));
    expect(liquid).toEqual(['node_modules/liquidjs/dist/liquid.node.mjs']);
  });

  /**
   * The schemas handlers import are written with zod/mini (domain/zod.ts): classic zod's API is ~95 KB of
   * every bundle and ~20 ms of every cold start, and mini's namespace leaves out what a bundle never calls.
   * English is the one locale: all of them (the `locales` namespace) would be 300 KB.
   */
  it('carries zod/mini with the English locale, never classic zod nor the other locales', () => {
    for (const name of ALL_FUNCTIONS) {
      const zod = inputsOf(name).filter((i) => i.includes('node_modules/zod/'));
      expect(zod.length).toBeGreaterThan(0);
      // locales/index.js is the barrel English is imported through: it adds no byte of its own.
      const unwanted = zod.filter((i) => /zod\/v4\/classic\/|zod\/v4\/locales\/(?!(en|index)\.js$)/.test(i));
      expect({ name, unwanted }).toEqual({ name, unwanted: [] });
    }
  });

  /**
   * Local times resolve by the Temporal spec's algorithm on Intl readings (domain/time/zoned.ts): the
   * polyfill, 56 KB of every bundle and ~6 ms of each cold start, is only the tests' reference.
   */
  it('carries no temporal-polyfill', () => {
    for (const name of ALL_FUNCTIONS) {
      const temporal = inputsOf(name).filter((i) => /node_modules\/temporal-(polyfill|utils)\//.test(i));
      expect({ name, temporal }).toEqual({ name, temporal: [] });
    }
  });

  it('gives the X-Ray SDK its local sampler for the centralized one, which only it imports', () => {
    const importers = Object.entries(built.metafile.inputs)
      .filter(([, input]) => input.imports.some((i) => i.path.endsWith('xray-sampler-shim.ts')))
      .map(([path]) => path);
    expect(importers).toEqual(['node_modules/aws-xray-sdk-core/dist/lib/middleware/mw_utils.js']);
    const centralized =
      /sampling\/(default_sampler|rule_poller|target_poller|rule_cache|service_connector)\.js$/;
    expect(Object.keys(built.metafile.inputs).filter((i) => centralized.test(i))).toEqual([]);
  });

  /**
   * nodemailer's MIME-type table is replaced by a shim (functions/shared/mime-types-shim.ts, tested against
   * it in tests/unit/mime-types-shim.test.ts): its importer must still be nodemailer's mime-funcs, which
   * imports it by a relative path that the build's plugin, not `alias`, catches.
   */
  it('gives nodemailer the MIME-type shim instead of its table, and no HTTP client', () => {
    const importers = Object.entries(built.metafile.inputs)
      .filter(([, input]) => input.imports.some((i) => i.path.endsWith('mime-types-shim.ts')))
      .map(([path]) => path);
    expect(importers).toEqual(['node_modules/nodemailer/dist/esm/mime-funcs/index.js']);
    expect(Object.keys(built.metafile.inputs).filter((i) => i.endsWith('mime-funcs/mime-types.js'))).toEqual(
      [],
    );
  });

  /**
   * Issue 13's ceiling for a minified index.js was 400 KB; each function is now held near its size (4 to 6 KB
   * of room) since zod/mini took 50–60 KB off every bundle and the X-Ray SDK's local sampler 9 KB more. send-message was held at its size
   * (577 KB): nodemailer's composer, Liquid and temporal-polyfill come to about 300 KB of it, and the
   * Powertools Tracer with the X-Ray SDK to 93 KB, which every function carries since issue 14 (bundled
   * rather than loaded from the Powertools layer, whose unbundled modules cost more init than they save).
   * Issues 16 and 17 took it to 586.8 KB (600,900 bytes) under a ceiling of 590 KB. Issue 13 took off
   * zod's classic API (zod/mini, 61,771 bytes), nodemailer's MIME-type table (75,330 bytes) and HTTP client
   * (8,832 bytes: parts given by URL), and the X-Ray SDK's centralized sampler (8,821 bytes, in every
   * function), then temporal-polyfill (56,374 bytes, in every function but alarm-chat): send-message
   * 389,773 bytes (380.6 KB). A store split by port would take back the 4 KB of due-index, experiment and
   * lease methods send-message carries and never calls.
   */
  it('keeps every index.js within its byte ceiling', () => {
    const ceilingKb: Record<AnyFunctionName, number> = {
      'accept-event': 205,
      'ingest-event': 250,
      'start-journey': 185,
      'send-message': 385,
      'journey-step': 202,
      unsubscribe: 206,
      sweep: 238,
      'sweep-worker': 212,
      'delivery-events': 246,
      feedback: 251,
      'alarm-chat': 144,
    };
    for (const name of ALL_FUNCTIONS) {
      const bytes = outputOf(name)?.bytes ?? Infinity;
      expect({ name, withinCeiling: bytes <= ceilingKb[name] * 1024, bytes }).toEqual({
        name,
        withinCeiling: true,
        bytes,
      });
    }
  });

  it('starts in a fresh Node with the SDK from outside the bundle, without loading Comprehend', () => {
    const workflows = loadWorkflows(WORKFLOWS_DIR);
    const root = mkdtempSync(join(tmpdir(), 'rapport-bundle-init-'));
    try {
      for (const name of ALL_FUNCTIONS) {
        const asset = join(root, name);
        writeFunctionAsset(built, name, asset, workflows);
        const run = spawnSync(
          process.execPath,
          [
            '-e',
            `require(${JSON.stringify(join(asset, 'index.js'))}); console.log(Object.keys(require.cache).join('\\n'))`,
          ],
          {
            // As the Lambda runtime provides it: the SDK resolved from outside the package.
            env: {
              ...process.env,
              ...LAMBDA_ENV,
              WORKFLOWS_FILE: join(asset, 'workflows.json'),
              NODE_PATH: join(REPO_ROOT, 'node_modules'),
            },
            encoding: 'utf8',
          },
        );
        expect({ name, status: run.status, stderr: run.stderr }).toEqual({ name, status: 0, stderr: '' });
        // alarm-chat reads a secret and touches no table.
        expect(run.stdout).toContain(
          name === 'alarm-chat' ? '@aws-sdk/client-secrets-manager' : '@aws-sdk/client-dynamodb',
        );
        // ingest-event and feedback classify text with Comprehend on the first text, not at init.
        expect({ name, comprehend: run.stdout.includes('@aws-sdk/client-comprehend') }).toEqual({
          name,
          comprehend: false,
        });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
