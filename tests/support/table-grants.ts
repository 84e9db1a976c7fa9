import type { MiddlewareStack } from '@smithy/types';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { FunctionName } from '../../functions/routes';
import { grantTableAccess } from '../../infra/table-access';

/**
 * Handler tests run on dynalite, which knows no IAM: a DynamoDB action a function's role lacks would pass
 * every test and be an AccessDeniedException on AWS. A client watched by `checkGrants` refuses, before it
 * is sent, each call that the statements infra gives the function's role (grantTableAccess itself, run on
 * stand-ins for the table and the function) do not allow, as IAM would.
 */
const TABLE_ARN = 'arn:aws:dynamodb:local:000000000000:table/rapport';

export class UngrantedCallError extends Error {
  override name = 'UngrantedCallError';
}

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

/** Refusals since the last test ended: a handler that catches store errors must not hide one. */
const refused: UngrantedCallError[] = [];

// Jest's globals only: the benches (tsx) import the handler support too.
if (typeof afterEach === 'function')
  afterEach(() => {
    const seen = refused.splice(0);
    if (seen.length)
      throw new UngrantedCallError(
        `DynamoDB calls refused during this test (an error a handler caught is reported here too):\n` +
          seen.map((e) => `  ${e.message}`).join('\n'),
      );
  });

/** Makes `client` refuse, with a clear error, every table call `fn`'s role is not granted. */
export function checkGrants<I extends object, O extends object>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  fn: FunctionName,
): void {
  const statements = statementsOf(fn);
  client.middlewareStack.add(
    (next, context) => (args) => {
      const action = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const index = (args.input as { IndexName?: unknown }).IndexName;
      const resource = typeof index === 'string' ? `${TABLE_ARN}/index/${index}` : TABLE_ARN;
      if (!allows(statements, `dynamodb:${action}`, resource)) {
        const error = new UngrantedCallError(
          `${fn} called dynamodb:${action}${typeof index === 'string' ? ` on the ${index} index` : ''}, ` +
            `which infra/table-access.ts does not grant it (granted: ${describeGrants(statements)})`,
        );
        refused.push(error);
        throw error;
      }
      return next(args);
    },
    { step: 'initialize', name: 'rapportGrantCheck' },
  );
}
