import { Template } from 'aws-cdk-lib/assertions';
import { loadWorkflows } from '../../domain/config/load';
import { RapportStack } from '../../infra/rapport-stack';
import type { LocalRuntime } from '../../local/runtime';
import { substitute } from '../../local/stepfunctions';
import { startTestRuntime } from '../support/local';
import { fastApp, resourcesOf, TEST_SENDER, WORKFLOWS_DIR } from './support';

/**
 * One source of truth, checked across the two worlds: the DefinitionString CloudFormation receives is the
 * very string the running local runtime loaded, and both fill in the same substitutions.
 */
describe('the deployed ASL is the ASL the local runtime executes', () => {
  let runtime: LocalRuntime;
  let machines: ReturnType<typeof resourcesOf>;
  beforeAll(async () => {
    runtime = await startTestRuntime();
    const app = fastApp();
    const stack = new RapportStack(app, 'Rapport', {
      workflows: loadWorkflows(WORKFLOWS_DIR),
      senderAddress: TEST_SENDER,
    });
    machines = resourcesOf(Template.fromStack(stack), 'AWS::StepFunctions::StateMachine');
  });
  afterAll(() => runtime.stop());

  it('byte for byte, for every journey', () => {
    const deployed = Object.values(machines);
    expect(deployed).toHaveLength(runtime.stepFunctions.stateMachines.length);
    for (const local of runtime.stepFunctions.stateMachines) {
      const cfn = deployed.find((m) => m.Properties.StateMachineName === local.name);
      expect(cfn).toBeDefined();
      expect(typeof cfn!.Properties.DefinitionString).toBe('string');
      expect(
        Buffer.from(cfn!.Properties.DefinitionString as string).equals(Buffer.from(local.definition)),
      ).toBe(true);

      // CloudFormation fills every placeholder of the definition (each journey gets every function's
      // substitution, used or not), so nothing of the form `${…}` reaches Step Functions.
      const names = Object.keys(cfn!.Properties.DefinitionSubstitutions as Record<string, unknown>).sort();
      const placeholders = [...local.definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]);
      expect(names).toEqual(expect.arrayContaining([...new Set(placeholders)]));
      expect(
        substitute(local.definition, Object.fromEntries(names.map((n) => [n, 'arn']))).includes('${'),
      ).toBe(false);
    }
  });
});
