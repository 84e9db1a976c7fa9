import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadWorkflows } from '../../domain/config/load';
import { shippedStack } from './role-actions';
import { logicalIdOf, resourcesOf, WORKFLOWS_DIR } from './support';

/*
 * The synthesized shipped stack the rapport-stack*.test.ts files assert on, and their lookups into it.
 * The synth runs when this module is first imported: once per test file (jest gives each file its own
 * module registry), so keep the files that import it few — a synth takes seconds.
 */

// The shipped workflows, default settings.
export const template = Template.fromStack(shippedStack());
// What the local runtime executes, loaded independently of what the stack was given.
export const shipped = loadWorkflows(WORKFLOWS_DIR);

export const fnId = (name: string) =>
  logicalIdOf(template, 'AWS::Lambda::Function', { Description: `Rapport ${name}` });
export const fnProps = (name: string) =>
  resourcesOf(template, 'AWS::Lambda::Function')[fnId(name)]!.Properties;
export const envOf = (name: string) =>
  (fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
export const stateMachineId = (journeyId: string) =>
  logicalIdOf(template, 'AWS::StepFunctions::StateMachine', { StateMachineName: `rapport-${journeyId}` });
/** A journey's state machine as the functions name it: by its ARN built from its fixed name (cfnText). */
export const stateMachineArn = (journeyId: string) =>
  `arn:{AWS::Partition}:states:{AWS::Region}:{AWS::AccountId}:stateMachine:rapport-${journeyId}`;
/** Every statement of the inline policies attached to a role (given as `{ Ref: roleLogicalId }`). */
export const statementsOf = (roleRef: unknown) => {
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(roleRef)),
  );
  return policies.flatMap(
    (p) =>
      (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
        .Statement,
  );
};
export const fnStatements = (name: string) =>
  statementsOf({ Ref: (fnProps(name).Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] });
export const actionsOf = (statements: { Action: string | string[] }[]) =>
  statements.flatMap((s) => [s.Action].flat());

/** The queue a dead-letter config (`{ Arn: { 'Fn::GetAtt': [queue, 'Arn'] } }`) points at. */
export const queueOf = (arn: unknown) => (arn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
/** The dead-letter queue of the Lambda function with this logical id. */
export const dlqOf = (fnLogicalId: string) =>
  queueOf(
    (
      resourcesOf(template, 'AWS::Lambda::Function')[fnLogicalId]!.Properties.DeadLetterConfig as {
        TargetArn: unknown;
      }
    ).TargetArn,
  );
/** The queue with this name. */
export const namedQueue = (name: string) => logicalIdOf(template, 'AWS::SQS::Queue', { QueueName: name });
/**
 * The dead-letter queues: events EventBridge could not queue, sweeps failed, bounces/complaints/STOP not
 * handled, and those of the three work queues (ingest, starts, sweep).
 */
export const deadLetterQueues = () => [
  queueOf(
    (
      Object.values(resourcesOf(template, 'AWS::Events::Rule')).find((r) => r.Properties.EventBusName)!
        .Properties.Targets as {
        DeadLetterConfig: { Arn: unknown };
      }[]
    )[0]!.DeadLetterConfig.Arn,
  ),
  dlqOf(fnId('sweep')),
  dlqOf(fnId('delivery-events')),
  ...['ingest', 'starts', 'sweep'].map((name) => namedQueue(`rapport-${name}-dlq`)),
];

/** Encrypted with SQS-managed keys, and refusing requests made without TLS. */
export const expectSafeQueue = (queueId: string) => {
  expect(resourcesOf(template, 'AWS::SQS::Queue')[queueId]?.Properties).toMatchObject({
    SqsManagedSseEnabled: true,
  });
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    Queues: [{ Ref: queueId }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    },
  });
};
