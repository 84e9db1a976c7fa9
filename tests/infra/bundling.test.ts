import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SendDeferredError, VersionConflictError } from '../../domain/errors';
import { HandlerFunction } from '../../infra/handler-function';

/**
 * Retry and Catch match an error by its name, which RapportError takes from its class: a minified bundle
 * that renamed the classes would raise errors no Retry or Catch names. Bundles two functions for real.
 */
describe('a bundled handler', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'rapport-bundle-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('keeps the class names of the errors Step Functions retries or catches', () => {
    // Bundling on (unlike fastApp), CloudFormation validation off: only the code is looked at.
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Bundle');
    for (const [id, name] of [
      ['Step', 'journey-step'],
      ['Send', 'send-message'],
    ] as const)
      new HandlerFunction(stack, id, {
        name,
        projectRoot: join(__dirname, '..', '..'),
        environment: { TABLE_NAME: 'rapport' },
        logRetention: RetentionDays.ONE_DAY,
        timeout: Duration.seconds(30),
      });
    app.synth();
    const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
    const codes = assets.map((asset) => readFileSync(join(outdir, asset, 'index.js'), 'utf8'));
    expect(codes).toHaveLength(2);
    // journey-step raises VersionConflictError (an update step that kept losing the race); send-message
    // SendDeferredError, which the compiled send's Catch takes to the wait.
    expect(codes.filter((code) => code.includes(`"${VersionConflictError.name}"`))).not.toHaveLength(0);
    expect(codes.filter((code) => code.includes(`"${SendDeferredError.name}"`))).not.toHaveLength(0);
  });
});
