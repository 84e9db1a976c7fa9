import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { loadWorkflows } from '../../domain/config/load';
import { FUNCTIONS, type FunctionName } from '../../functions/routes';
import { RapportStack } from '../../infra/rapport-stack';
import { fastApp, REPO_ROOT, resourcesOf, WORKFLOWS_DIR } from './support';

/**
 * tests/support/role-actions.json: the IAM actions each function's role is granted, read from the
 * synthesized stack (Lambda → its role → the policies attached to it), so that handler tests can refuse a
 * call the role lacks (tests/support/grants.ts) without a synth of their own and without a hand-kept copy
 * of the grants, which are made all over infra/. rapport-stack.test.ts fails when the file is stale.
 */
export const ROLE_ACTIONS_FILE = join(REPO_ROOT, 'tests', 'support', 'role-actions.json');
export const REGENERATE = 'npm run role-actions';

/** The stack the file is read from: the shipped workflows, default settings. */
export function shippedStack(): RapportStack {
  return new RapportStack(fastApp(), 'Rapport', {
    workflows: loadWorkflows(WORKFLOWS_DIR),
    // The stack takes any sender; the app refuses example domains (settings.ts, stages.test.ts).
    senderAddress: 'no-reply@example.com',
  });
}

type Statement = { Effect: string; Action: string | string[] };
type PolicyDocument = { Statement: Statement[] };

/** Every action an Allow statement of the role's policies (attached or inline) names, sorted. */
function actionsOfRole(template: Template, roleId: string): string[] {
  const attached = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => (r as { Ref?: string }).Ref === roleId))
    .map((p) => p.Properties.PolicyDocument as PolicyDocument);
  const role = resourcesOf(template, 'AWS::IAM::Role')[roleId];
  if (!role) throw new Error(`role-actions: no role ${roleId} in the template`);
  if (role.Properties.ManagedPolicyArns)
    throw new Error(`role-actions: ${roleId} has managed policies, whose actions the template does not show`);
  const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]).map(
    (p) => p.PolicyDocument,
  );
  const actions = [...attached, ...inline]
    .flatMap((doc) => doc.Statement)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => [s.Action].flat());
  return [...new Set(actions)].sort();
}

/** Function name → the sorted actions its role is granted, for every function of FUNCTIONS. */
export function roleActionsOf(template: Template): Record<FunctionName, string[]> {
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const entries = FUNCTIONS.map((name) => {
    const found = Object.values(functions).filter((f) => f.Properties.Description === `Rapport ${name}`);
    if (found.length !== 1)
      throw new Error(`role-actions: ${found.length} functions described "Rapport ${name}"`);
    const role = found[0]!.Properties.Role as { 'Fn::GetAtt'?: [string, string] };
    if (!role['Fn::GetAtt']) throw new Error(`role-actions: ${name}'s role is not a role of the stack`);
    return [name, actionsOfRole(template, role['Fn::GetAtt'][0])] as const;
  });
  return Object.fromEntries(entries) as Record<FunctionName, string[]>;
}

/** The file's text for `template`: what the regenerate command writes and the staleness test compares. */
export function roleActionsText(template: Template): string {
  return `${JSON.stringify(roleActionsOf(template), null, 2)}\n`;
}

export function readRoleActionsText(): string {
  return readFileSync(ROLE_ACTIONS_FILE, 'utf8');
}

export function writeRoleActions(template: Template): void {
  writeFileSync(ROLE_ACTIONS_FILE, roleActionsText(template));
}
