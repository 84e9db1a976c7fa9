/**
 * The CDK app (`cdk.json`: `npx tsx infra/app.ts`). Invalid workflows or deployment settings are reported
 * as such, without a stack trace, and make `cdk synth`/`cdk deploy` exit non-zero before anything is built.
 */
import { ConfigValidationError } from '../domain/errors';
import { buildApp, readProjectContext } from './build-app';
import { InvalidSettingError } from './names';

function main(): void {
  let built: ReturnType<typeof buildApp>;
  try {
    built = buildApp({ projectContext: readProjectContext() });
  } catch (e) {
    if (e instanceof ConfigValidationError) {
      process.stderr.write(
        `\n${e.message}\n\nNothing was synthesized: fix the workflows above (\`npm run validate\` checks them without CDK).\n\n`,
      );
      process.exitCode = 1;
      return;
    }
    if (e instanceof InvalidSettingError) {
      const [only, ...more] = e.problems;
      process.stderr.write(
        more.length === 0
          ? `\nInvalid deployment setting: ${only ?? e.message}\n\n`
          : `\nInvalid deployment settings (${e.problems.length} problems):\n${e.problems.map((p) => `  ${p}`).join('\n')}\n\n`,
      );
      process.exitCode = 1;
      return;
    }
    throw e;
  }
  built.app.synth();
}

main();
