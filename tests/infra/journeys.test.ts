import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadWorkflows } from '../../domain/config/load';
import { RapportStack } from '../../infra/rapport-stack';
import {
  cfnText,
  fastApp,
  journeyFiles,
  logicalIdOf,
  resourcesOf,
  rewriteJourney,
  scratchWorkflows,
} from './support';

// Fixture: the shipped workflows with exactly two journey files, the second derived from the first.
const SECOND = 'infra-fixture-second';
const fixture = scratchWorkflows((dir) => {
  const [first, ...others] = journeyFiles(dir);
  if (!first) throw new Error('the shipped workflows have no journey to derive a fixture from');
  for (const other of others) rmSync(join(dir, 'journeys', other));
  rewriteJourney(
    join(dir, 'journeys', first),
    (doc) => ({ ...doc, id: SECOND, version: 7, description: 'A second journey for the infra tests' }),
    join(dir, 'journeys', `${SECOND}.yaml`),
  );
});
afterAll(() => fixture.cleanup());

const files = journeyFiles(fixture.dir);
const stack = new RapportStack(fastApp(), 'Rapport', {
  workflows: loadWorkflows(fixture.dir),
  senderAddress: 'Rapport Demo Store <hello@mail.example.org>',
  publicBaseUrl: 'https://go.example.org/rapport',
});
const template = Template.fromStack(stack);
// What the local runtime would execute for the same directory, loaded on its own.
const local = loadWorkflows(fixture.dir);

describe('a workflows directory with two journeys', () => {
  it('is the fixture it claims to be', () => {
    expect(files).toHaveLength(2);
    expect(local.journeys.map((j) => j.journey.id).sort()).toEqual(
      files.map((f) => basename(f, '.yaml')).sort(),
    );
  });

  it('gets one state machine per journey file, named after the journey', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', files.length);
    const names = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine')).map(
      (r) => r.Properties.StateMachineName,
    );
    expect(names.sort()).toEqual(files.map((f) => `rapport-${basename(f, '.yaml')}`).sort());
  });

  it('deploys each journey byte for byte as the local runtime executes it', () => {
    const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
    for (const loaded of local.journeys) {
      const id = logicalIdOf(template, 'AWS::StepFunctions::StateMachine', {
        StateMachineName: `rapport-${loaded.journey.id}`,
      });
      expect(machines[id]!.Properties.DefinitionString === loaded.asl).toBe(true);
    }
    // The two definitions differ (id, version), so neither test above passes by accident.
    expect(new Set(local.journeys.map((j) => j.asl)).size).toBe(2);
  });

  it('lets ingest-event and sweep find and start both', () => {
    const machineIds = local.journeys
      .map((j) =>
        logicalIdOf(template, 'AWS::StepFunctions::StateMachine', {
          StateMachineName: `rapport-${j.journey.id}`,
        }),
      )
      .sort();
    for (const name of ['ingest-event', 'sweep']) {
      const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find(
        (f) => f.Properties.Description === `Rapport ${name}`,
      )!;
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(JSON.parse(cfnText(env.JOURNEY_STATE_MACHINES)) as object).sort()).toEqual(
        local.journeys.map((j) => j.journey.id).sort(),
      );
      const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
      const started = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
        .flatMap(
          (p) =>
            (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
              .Statement,
        )
        .filter((st) => [st.Action].flat().includes('states:StartExecution'))
        .flatMap((st) => [st.Resource].flat().map((r) => (r as { Ref: string }).Ref));
      expect({ name, started: started.sort() }).toEqual({ name, started: machineIds });
    }
    const outputs = Object.keys(template.toJSON().Outputs as object).filter((k) =>
      k.startsWith('StateMachineArn'),
    );
    expect(outputs).toHaveLength(2);
  });

  it('uses context settings: the bare sender address and its domain for SES, and the public base URL for links', () => {
    const send = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find(
      (f) => f.Properties.Description === 'Rapport send-message',
    )!;
    expect((send.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      SENDER_ADDRESS: 'Rapport Demo Store <hello@mail.example.org>',
      PUBLIC_BASE_URL: 'https://go.example.org/rapport',
    });
    const resources = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
      )
      .filter((s) => s.Action === 'ses:SendRawEmail')
      .flatMap((s) => [s.Resource].flat().map(cfnText));
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:identity\/hello@mail\.example\.org$/),
        expect.stringMatching(/:identity\/mail\.example\.org$/),
      ]),
    );
  });
});
