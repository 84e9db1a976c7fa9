import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { VersionConflictError } from '../../domain/errors';
import { HandlerFunction } from '../../infra/handler-function';

/**
 * Retry and Catch match an error by its name, which RapportError takes from its class: a minified bundle
 * that renamed the classes would raise errors no Retry names. Bundles the journey-step function for real.
 */
describe('a bundled handler', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'rapport-bundle-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('keeps the class names of the errors Step Functions retries', () => {
    // Bundling on (unlike fastApp), CloudFormation validation off: only the code is looked at.
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Bundle');
    new HandlerFunction(stack, 'Step', {
      name: 'journey-step',
      projectRoot: join(__dirname, '..', '..'),
      environment: { TABLE_NAME: 'rapport' },
      logRetention: RetentionDays.ONE_DAY,
      timeout: Duration.seconds(30),
    });
    app.synth();
    const [asset] = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
    const code = readFileSync(join(outdir, asset!, 'index.js'), 'utf8');
    // journey-step raises VersionConflictError (an update step that kept losing the race).
    expect(code).toContain(`"${VersionConflictError.name}"`);
  });
});
