import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { customersAt, readCustomerItems } from '../adapters/dynamodb/customer-partition';
import { addressSearched } from '../domain/console/search';
import { readExecutionHistory } from '../adapters/stepfunctions/execution-history';
import { timelineLines } from '../domain/console/describe';
import { sameVersion, type ExecutionHistory, type FoldedJourney } from '../domain/console/executions';
import { buildTimeline, type CustomerItems, type Timeline } from '../domain/console/timeline';
import { loadWorkflows } from '../domain/config/load';
import { updatesFoldedIntoSends } from '../domain/journey/fusion';
import type { Journey } from '../domain/journey/schema';
import { latestMessage, why, whyLines } from '../domain/console/why';
import { localClientConfig } from '../local/sdk';
import { portsFromEnv } from '../local/ports';
import { STAGE_NAME, STAGE_NAME_RULE, stackId } from '../infra/stage';
import { commandArgs } from './args';

const WHERE = `Where the customer is read (default: the table of the deployed stack Rapport, its TableName
output, with the AWS credentials and region of the environment: AWS_PROFILE, AWS_REGION):
  --stage <stage>      the stack deployed with -c stage=<stage> (<stage>-Rapport)
  --table <name>       this table (or set RAPPORT_TABLE), not the stack's
  --local              npm start on this machine: its DynamoDB and Step Functions APIs on RAPPORT_HOST,
                       RAPPORT_DYNAMODB_PORT and RAPPORT_STEPFUNCTIONS_PORT (the variables npm start takes)
The steps each journey execution reached come from Step Functions (GetExecutionHistory, without inputs);
where that history is gone (90 days after an execution ends) or refused, the stored records still print.
An update step the send after it applied has no state there: it is named from the journeys in ./workflows.
Personal data is printed here for the operator who asks, and never logged.`;

const BY_ADDRESS = `  --email <address>    the customer using this exact email (case and spaces aside), instead of an id
  --phone <+number>    the customer using this phone number, in E.164 (+8613800138000), instead of an id
An address finds the customers Rapport checked it for (an event that carried it) or texted it to; when
several use it, they are listed and the command asks for an id.`;

export const CUSTOMER_USAGE = `Usage: rapport customer (<customerId> | --email <address> | --phone <+number>)
                        [--stage <stage> | --table <name> | --local]

Prints the customer's timeline, oldest first: events, stage and tier changes with their cause, journey
entries (version, trigger), branch and split decisions, every message sent, skipped or deferred and why,
consent, suppressions, feedback, erasure.

${BY_ADDRESS}

${WHERE}
`;

export const WHY_USAGE = `Usage: rapport why (<customerId> | --email <address> | --phone <+number>) [--message <key>]
                   [--stage <stage> | --table <name> | --local]

Explains one message (default: the customer's latest): the event or timer that started its journey and
the version entered, the decisions on the way, the policy checks and what was sent, or why not.

  --message <key>      the message key, as rapport customer prints it ([message …])
${BY_ADDRESS}

${WHERE}
`;

const OPTIONS = {
  table: { type: 'string' },
  local: { type: 'boolean', default: false },
  message: { type: 'string' },
  stage: { type: 'string' },
  email: { type: 'string' },
  phone: { type: 'string' },
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
  let customerId = parsed.positionals[0] ?? (parsed.values.email === undefined ? '--phone' : '--email');
  const { client, sfn, table } = source(parsed, env);
  let tableName = table ?? `the TableName output of stack ${stackId(parsed.values.stage)}`;
  let timeline: Timeline;
  try {
    tableName = table ?? (await tableOfStack(new CloudFormationClient({}), parsed.values.stage));
    const found = await customerNamed(parsed, client, tableName);
    if ('problem' in found) {
      err(`rapport ${command} ${customerId}: ${found.problem}`);
      return 1;
    }
    customerId = found.customerId;
    const items = await readCustomerItems(client, tableName, customerId);
    const executions = await histories(sfn, items, err);
    const journeys = projectJourneys(err);
    noteOtherVersions(executions, journeys, err);
    timeline = buildTimeline({ ...items, executions }, journeys);
  } catch (e) {
    err(`rapport ${command} ${customerId}: ${explain(e, tableName)}`);
    return 1;
  } finally {
    client.destroy();
    sfn.destroy();
  }
  if (timeline.entries.length === 0) {
    err(`rapport ${command} ${customerId}: no customer ${customerId} in table ${tableName}`);
    return 1;
  }
  return command === 'customer'
    ? printTimeline(timeline, out)
    : printWhy(timeline, parsed.values.message, out, err);
}

/** The customer an id names, or the one customer using --email or --phone (several: the operator picks). */
async function customerNamed(
  { values: v, positionals }: Parsed,
  client: DynamoDBClient,
  tableName: string,
): Promise<{ customerId: string } | { problem: string }> {
  const address = v.email ?? v.phone;
  const search = address === undefined ? undefined : addressSearched(address);
  if (search === undefined) return { customerId: positionals[0]! };
  const ids = await customersAt(DynamoDBDocumentClient.from(client), tableName, search.key);
  if (ids.length === 1) return { customerId: ids[0]! };
  return {
    problem:
      ids.length === 0
        ? `no customer uses this address in table ${tableName}`
        : `${ids.length} customers use this address: ${ids.join(', ')}; name one by its id`,
  };
}

function usageProblem(command: string, { values: v, positionals }: Parsed, env: Env): string | undefined {
  const byAddress = Number(v.email !== undefined) + Number(v.phone !== undefined);
  if (positionals.length + byAddress !== 1)
    return `name one customer id (or --email or --phone), e.g. rapport ${command} c-42`;
  // The address is personal data: the complaint names the option, not what was typed.
  if (v.email !== undefined && addressSearched(v.email)?.channel !== 'email')
    return '--email: expected an email address (name@domain)';
  if (v.phone !== undefined && addressSearched(v.phone)?.channel !== 'sms')
    return '--phone: expected a phone number in E.164, starting with + (e.g. +8613800138000)';
  if (v.message !== undefined && command !== 'why') return '--message: only rapport why takes it';
  const ports = portsFromEnv(env);
  if (v.local && !Object.values(ports).every((p) => Number.isInteger(p) && p > 0 && p < 65536))
    return `--local: a RAPPORT_…_PORT variable is not a port number (${JSON.stringify(ports)})`;
  if (v.stage !== undefined && !STAGE_NAME.test(v.stage))
    return `--stage ${v.stage}: expected ${STAGE_NAME_RULE}, as given to -c stage=`;
  if (v.stage !== undefined && (v.local || v.table !== undefined))
    return `--stage: give it alone; --table names the table itself and --local reads npm start's`;
  return undefined;
}

function source({ values: v }: Parsed, env: Env) {
  if (!v.local)
    return {
      client: new DynamoDBClient({}),
      sfn: new SFNClient({}),
      // Undefined: the stack's output, looked up once the arguments are known good.
      table: v.stage === undefined ? (v.table ?? env.RAPPORT_TABLE) : undefined,
    };
  const ports = portsFromEnv(env);
  const url = (port: number) => `http://${env.RAPPORT_HOST ?? '127.0.0.1'}:${port}`;
  return {
    client: new DynamoDBClient(localClientConfig(url(ports.dynamodb))),
    sfn: new SFNClient(localClientConfig(url(ports.stepFunctions))),
    // npm start's table is "rapport" unless the runtime was given another name.
    table: v.table ?? 'rapport',
  };
}

/**
 * The journeys in ./workflows (as rapport validate reads them): which update steps a send applied, with no
 * state of their own in Step Functions' history (domain/journey/fusion.ts). Without them, a note.
 */
function projectJourneys(err: (s: string) => void): Journey[] {
  try {
    return loadWorkflows(join(process.cwd(), 'workflows')).journeys.map(({ journey }) => journey);
  } catch (e) {
    err(
      `note: no journeys from ./workflows (${(e as Error).name}): an update step a send applied is not shown`,
    );
    return [];
  }
}

/** Says which executions ran another version of a journey than ./workflows has (their folds are not shown). */
export function noteOtherVersions(
  executions: readonly ExecutionHistory[],
  journeys: readonly FoldedJourney[],
  err: (s: string) => void,
): void {
  // Only a journey whose sends apply an update has a step that could go unshown.
  for (const journey of journeys.filter((j) => updatesFoldedIntoSends(j).size > 0)) {
    const other = executions.filter((x) => x.journeyId === journey.id && !sameVersion(journey, x));
    const versions = [...new Set(other.flatMap((x) => x.journeyVersion ?? []))]
      .sort((a, b) => a - b)
      .join(', ');
    if (other.length)
      err(
        `note: ${other.length} execution(s) of ${journey.id} ran version ${versions}, and ./workflows has ` +
          `version ${journey.version}: an update step their sends applied is not shown`,
      );
  }
}

/** Each journey execution's states entered; one that Step Functions no longer has (or refuses) is left out, said once. */
async function histories(sfn: SFNClient, items: CustomerItems, err: (s: string) => void) {
  const found = [];
  const missing: string[] = [];
  for (const entry of items.journeys) {
    try {
      found.push(await readExecutionHistory(sfn, entry));
    } catch (e) {
      missing.push(`${entry.executionName} (${(e as Error).name})`);
    }
  }
  if (missing.length)
    err(`note: no steps from Step Functions for ${missing.join(', ')}; the stored records are complete`);
  return found;
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

/** The table of the stack deployed for `stage` (none: the stack Rapport), from its TableName output. */
export async function tableOfStack(cfn: CloudFormationClient, stage: string | undefined): Promise<string> {
  const name = stackId(stage);
  try {
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    const table = Stacks[0]?.Outputs?.find((o) => o.OutputKey === 'TableName')?.OutputValue;
    if (!table)
      throw new Error(`stack ${name} has no TableName output (deployed by an older Rapport?): give --table`);
    return table;
  } finally {
    cfn.destroy();
  }
}

/** What went wrong, in words that say what to do. */
function explain(e: unknown, tableName: string): string {
  const error = e as { name?: string; message?: string; code?: string };
  switch (error.code === 'ECONNREFUSED' ? error.code : error.name) {
    case 'ValidationError':
      // CloudFormation's answer for a stack that does not exist.
      return `${error.message ?? ''} (check --stage, AWS_PROFILE and AWS_REGION, or give --table)`;
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
