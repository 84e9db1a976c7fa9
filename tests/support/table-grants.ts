import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { FunctionName } from '../../functions/routes';
import { grantTableAccess } from '../../infra/table-access';

/**
 * The resource-aware part of the grant check (tests/support/grants.ts) for DynamoDB: role-actions.json
 * says which dynamodb: actions a role has, not on what, and the due index is granted to the sweep alone.
 * Judged by the statements infra gives the function's role (grantTableAccess itself, run on stand-ins for
 * the table and the function), so no copy of the grants is kept.
 */
const TABLE_ARN = 'arn:aws:dynamodb:local:000000000000:table/rapport';

/** The statements infra/table-access.ts adds to `fn`'s role for the table. */
function statementsOf(fn: FunctionName): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const role = { addToRolePolicy: (s: PolicyStatement) => void statements.push(s) };
  grantTableAccess({ tableArn: TABLE_ARN } as ITable, fn, role as unknown as IFunction);
  return statements;
}

/** IAM's matching of an action or ARN against a pattern: `*` any run of characters, case-sensitive. */
function matches(pattern: string, value: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(value);
}

function allows(statements: readonly PolicyStatement[], action: string, resource: string): boolean {
  return statements.some(
    (s) =>
      s.effect === 'Allow' &&
      s.actions.some((a) => matches(a, action)) &&
      s.resources.some((r) => matches(r, resource)),
  );
}

/** `GetItem, PutItem; Query on the due index`: what `fn` may do, for the error. */
function describeGrants(statements: readonly PolicyStatement[]): string {
  const described = statements.map((s) => {
    const actions = s.actions.map((a) => a.replace(/^dynamodb:/, '')).join(', ');
    const indexes = s.resources.filter((r) => r.startsWith(`${TABLE_ARN}/index/`));
    const on = indexes.map((r) => r.slice(`${TABLE_ARN}/index/`.length)).join(', ');
    return indexes.length ? `${actions} on the ${on} index` : actions;
  });
  return described.join('; ') || 'nothing';
}

const statementsByFunction = new Map<FunctionName, PolicyStatement[]>();

/**
 * Why `fn`'s role may not make the DynamoDB call `action` (`dynamodb:Query`) with `input` (its IndexName
 * names the resource), or undefined when it may.
 */
export function tableRefusal(fn: FunctionName, action: string, input: object): string | undefined {
  let statements = statementsByFunction.get(fn);
  if (!statements) statementsByFunction.set(fn, (statements = statementsOf(fn)));
  const index = (input as { IndexName?: unknown }).IndexName;
  const resource = typeof index === 'string' ? `${TABLE_ARN}/index/${index}` : TABLE_ARN;
  if (allows(statements, action, resource)) return undefined;
  return (
    `${fn} called ${action}${typeof index === 'string' ? ` on the ${index} index` : ''}, ` +
    `which infra/table-access.ts does not grant it (granted: ${describeGrants(statements)})`
  );
}
