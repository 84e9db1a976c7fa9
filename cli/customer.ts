import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { readCustomerItems } from '../adapters/dynamodb/customer-partition';
import { timelineLines } from '../domain/console/describe';
import { buildTimeline, type Timeline } from '../domain/console/timeline';
import { latestMessage, why, whyLines } from '../domain/console/why';
import { localClientConfig } from '../local/sdk';
import { portsFromEnv } from '../local/ports';
import { commandArgs } from './args';

const WHERE = `Where the customer is read (one of):
  --table <name>       the deployed table: the stack's TableName output, e.g.
                       aws cloudformation describe-stacks --stack-name <stage>-Rapport \\
                         --query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text
                       (or set RAPPORT_TABLE); uses the AWS credentials and region of the environment
  --local              the store of npm start on this machine (DynamoDB API on RAPPORT_DYNAMODB_PORT, 4002)
  --endpoint <url>     with --local: another local DynamoDB API, e.g. http://127.0.0.1:8000
Personal data is printed here for the operator who asks, and never logged.`;

export const CUSTOMER_USAGE = `Usage: rapport customer <customerId> (--table <name> | --local)

Prints the customer's timeline, oldest first: events, stage and tier changes with their cause, journey
entries (version, trigger), branch and split decisions, every message sent, skipped or deferred and why,
consent, suppressions, feedback, erasure.

${WHERE}
`;

export const WHY_USAGE = `Usage: rapport why <customerId> [--message <key>] (--table <name> | --local)

Explains one message (default: the customer's latest): the event or timer that started its journey and
the version entered, the decisions on the way, the policy checks and what was sent, or why not.

  --message <key>      the message key, as rapport customer prints it ([message …])
${WHERE}
`;

const OPTIONS = {
  table: { type: 'string' },
  local: { type: 'boolean', default: false },
  endpoint: { type: 'string' },
  message: { type: 'string' },
} as const;

type Parsed = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
type Env = Record<string, string | undefined>;

/** `rapport customer` and `rapport why`: a customer's story from the table, as the operator reads it. */
export async function customerCommand(
  command: 'customer' | 'why',
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  env: Env = process.env,
): Promise<number> {
  const usage = command === 'why' ? WHY_USAGE : CUSTOMER_USAGE;
  const parsed = commandArgs(
    { name: command, usage },
    () => parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }),
    (p) => usageProblem(command, p, env),
    err,
  );
  if (!parsed) return 2;
  const customerId = parsed.positionals[0]!;
  const { client, tableName } = source(parsed, env);
  let timeline: Timeline;
  try {
    timeline = buildTimeline(await readCustomerItems(client, tableName, customerId));
  } catch (e) {
    err(`rapport ${command} ${customerId}: ${explain(e, tableName)}`);
    return 1;
  } finally {
    client.destroy();
  }
  if (timeline.entries.length === 0) {
    err(`rapport ${command} ${customerId}: no customer ${customerId} in table ${tableName}`);
    return 1;
  }
  return command === 'customer'
    ? printTimeline(timeline, out)
    : printWhy(timeline, parsed.values.message, out, err);
}

function usageProblem(command: string, { values: v, positionals }: Parsed, env: Env): string | undefined {
  if (positionals.length !== 1) return `name one customer id, e.g. rapport ${command} c-42`;
  if (v.message !== undefined && command !== 'why') return '--message: only rapport why takes it';
  if (v.endpoint !== undefined && !v.local) return '--endpoint: only with --local (a local DynamoDB API)';
  if (v.endpoint !== undefined && !URL.canParse(v.endpoint))
    return `--endpoint: got "${v.endpoint}"; expected a URL, e.g. http://127.0.0.1:4002`;
  if (!v.local && (v.table ?? env.RAPPORT_TABLE) === undefined)
    return 'say where to read: --table <name> (or RAPPORT_TABLE) for the deployed table, or --local';
  return undefined;
}

function source({ values: v }: Parsed, env: Env): { client: DynamoDBClient; tableName: string } {
  if (!v.local) return { client: new DynamoDBClient({}), tableName: (v.table ?? env.RAPPORT_TABLE)! };
  const endpoint = v.endpoint ?? `http://${env.RAPPORT_HOST ?? '127.0.0.1'}:${portsFromEnv(env).dynamodb}`;
  // npm start's table is "rapport" unless the runtime was given another name.
  return { client: new DynamoDBClient(localClientConfig(endpoint)), tableName: v.table ?? 'rapport' };
}

function printTimeline(timeline: Timeline, out: (s: string) => void): number {
  out(`Customer ${timeline.customerId}: ${timeline.entries.length} entries, oldest first`);
  for (const line of timelineLines(timeline.entries)) out(`  ${line}`);
  return 0;
}

function printWhy(
  timeline: Timeline,
  key: string | undefined,
  out: (s: string) => void,
  err: (s: string) => void,
) {
  const messageKey = key ?? latestMessage(timeline)?.messageKey;
  const answer = messageKey === undefined ? undefined : why(timeline, messageKey);
  if (!answer) {
    const known = timeline.entries.flatMap((e) => (e.type === 'message' ? [e.message.messageKey] : []));
    err(
      `rapport why ${timeline.customerId}: ` +
        (key === undefined
          ? 'the customer has no message'
          : `--message ${key}: no such message of this customer; known: ${known.join(', ') || 'none'}`),
    );
    return 1;
  }
  for (const line of whyLines(answer)) out(line);
  return 0;
}

/** What went wrong, in words that say what to do. */
function explain(e: unknown, tableName: string): string {
  const error = e as { name?: string; message?: string; code?: string };
  switch (error.code === 'ECONNREFUSED' ? error.code : error.name) {
    case 'ResourceNotFoundException':
      return `no table ${tableName} here (check --table, AWS_PROFILE and AWS_REGION, or that npm start runs)`;
    case 'CredentialsProviderError':
      return `no AWS credentials: ${error.message ?? ''}`;
    case 'ECONNREFUSED':
    case 'TimeoutError':
      return `nothing answers at the DynamoDB endpoint (is npm start running?): ${error.message ?? ''}`;
    default:
      return `${error.name ?? 'Error'}: ${error.message ?? String(e)}`;
  }
}
