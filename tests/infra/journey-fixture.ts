import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadWorkflows } from '../../domain/config/load';
import { NAMES, RapportStack } from '../../infra/rapport-stack';
import {
  fastApp,
  journeyFiles,
  logicalIdOf,
  resourcesOf,
  scratchWorkflows,
  templateIds,
  writeJourney,
} from './support';

/*
 * The fixture journeys.test.ts asserts on, synthesized when this module is first imported. The importer
 * removes the scratch directory: afterAll(() => fixture.cleanup()).
 */

// Fixture: the shipped settings, lifecycle and templates with exactly three journeys of its own (the shipped
// ones change with the product): one of send, wait and exit only, one that branches on the customer's tier,
// one that asks a person to act (a task step, published on the event bus).
export const PLAIN = 'infra-fixture-plain';
export const BRANCHING = 'infra-fixture-branch';
export const TASKING = 'infra-fixture-task';
export const ALL = [PLAIN, BRANCHING, TASKING];
export const fixture = scratchWorkflows((dir) => {
  for (const file of readdirSync(join(dir, 'journeys'))) rmSync(join(dir, 'journeys', file));
  const [template] = templateIds(dir);
  if (!template) throw new Error('the shipped workflows have no email template for the fixture journeys');
  const send = { type: 'send', channel: 'email', template, topic: 'offers' };
  writeJourney(dir, {
    id: PLAIN,
    version: 1,
    description: 'A journey of send, wait and exit steps for the infra tests',
    entry: { event: 'purchase' },
    steps: [
      { id: 'hello', ...send },
      { id: 'pause', type: 'wait', duration: '1d' },
      { id: 'done', type: 'exit' },
    ],
  });
  writeJourney(dir, {
    id: BRANCHING,
    version: 7,
    description: 'A journey with a branch step for the infra tests',
    entry: { event: 'purchase' },
    steps: [
      {
        id: 'vip-or-not',
        type: 'branch',
        paths: [{ name: 'vip', when: { tier: 'vip' }, next: 'thank-vip' }],
        default: 'done',
      },
      { id: 'thank-vip', ...send },
      { id: 'done', type: 'exit' },
    ],
  });
  writeJourney(dir, {
    id: TASKING,
    version: 3,
    description: 'A journey with a task step for the infra tests',
    entry: { event: 'purchase' },
    steps: [
      { id: 'call', type: 'task', assignee: 'relationship-manager', title: 'Call this customer' },
      { id: 'done', type: 'exit' },
    ],
  });
});

export const files = journeyFiles(fixture.dir);
const stack = new RapportStack(fastApp(), 'Rapport', {
  workflows: loadWorkflows(fixture.dir),
  senderAddress: 'Rapport Demo Store <hello@mail.example.org>',
  publicBaseUrl: 'https://go.example.org/rapport',
});
export const template = Template.fromStack(stack);
// What the local runtime would execute for the same directory, loaded on its own.
export const local = loadWorkflows(fixture.dir);

export const fnArn = (name: string) => ({
  'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Rapport ${name}` }), 'Arn'],
});
export const machineOf = (journeyId: string) =>
  resourcesOf(template, 'AWS::StepFunctions::StateMachine')[
    logicalIdOf(template, 'AWS::StepFunctions::StateMachine', { StateMachineName: `rapport-${journeyId}` })
  ]!.Properties;
export const placeholdersIn = (asl: string) =>
  [...new Set([...asl.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]))].sort();
export const aslOf = (id: string) => local.journeys.find((j) => j.journey.id === id)!.asl;
interface PutEventsEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: Record<string, unknown>;
}
export const taskState = () =>
  (
    JSON.parse(aslOf(TASKING)) as {
      States: Record<string, { Resource?: string; Parameters?: { Entries: PutEventsEntry[] } }>;
    }
  ).States.call!;
export const busId = () => logicalIdOf(template, 'AWS::Events::EventBus', { Name: NAMES.eventBus });
/** Every statement of the inline policies attached to a journey's state machine role. */
export const roleStatementsOf = (journeyId: string) => {
  const roleId = (machineOf(journeyId).RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(
      (p) =>
        (
          p.Properties.PolicyDocument as {
            Statement: { Action: unknown; Resource: unknown; Condition?: unknown }[];
          }
        ).Statement,
    );
};
