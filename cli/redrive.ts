import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';
import { namePrefix, STAGE_NAME, STAGE_NAME_RULE } from '../infra/stage';
import { WORK_QUEUES, workDeadLetterQueueName } from '../infra/work-settings';
import { commandArgs } from './args';

/**
 * The dead-letter queues of the stack, by short name: the work queues infra deploys (WORK_QUEUES), each
 * `rapport-<name>` with its dead-letter queue `rapport-<name>-dlq`. A name not listed here is looked up
 * all the same (a queue of an older or newer deployment).
 */
export const DEAD_LETTER_QUEUES = Object.keys(WORK_QUEUES) as readonly (keyof typeof WORK_QUEUES)[];

export const deadLetterQueueName = workDeadLetterQueueName;

export const REDRIVE_USAGE = `Usage: rapport redrive <queue> [--stage <stage>] [--status]

Moves the messages of a dead-letter queue back to the queue they came from (SQS StartMessageMoveTask),
once what made them fail is fixed; they are then handled as on first delivery (every consumer is
idempotent). Uses the AWS credentials and region of the environment (AWS_PROFILE, AWS_REGION).

  <queue>      ${DEAD_LETTER_QUEUES.join(', ')} (the dead-letter queue ${deadLetterQueueName('<queue>')}),
               or a dead-letter queue's URL or ARN
  --stage      the stage deployed with -c stage=<stage>: its queue ${deadLetterQueueName('<queue>', '<stage>-')}
  --status     show the queue's recent move tasks (ListMessageMoveTasks) instead of starting one
`;

const OPTIONS = { status: { type: 'boolean', default: false }, stage: { type: 'string' } } as const;

/** `rapport redrive`: a dead-letter queue back to its source, or (--status) how its moves went. */
export async function redriveCommand(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  sqs: SQSClient = new SQSClient({}),
): Promise<number> {
  const parsed = commandArgs(
    { name: 'redrive', usage: REDRIVE_USAGE },
    () => parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true }),
    (p) =>
      p.positionals.length !== 1
        ? `name one dead-letter queue (${DEAD_LETTER_QUEUES.join(', ')}, a URL or an ARN)`
        : p.values.stage !== undefined && !STAGE_NAME.test(p.values.stage)
          ? `--stage ${p.values.stage}: expected ${STAGE_NAME_RULE}, as given to -c stage=`
          : undefined,
    err,
  );
  if (!parsed) return 2;
  const given = parsed.positionals[0]!;
  const prefix = namePrefix(parsed.values.stage);
  try {
    const queue = await resolveQueue(sqs, given, prefix);
    return parsed.values.status ? await showStatus(sqs, queue, out) : await startMove(sqs, queue, out);
  } catch (e) {
    err(`rapport redrive ${given}: ${explain(e, given, prefix)}`);
    return 1;
  }
}

interface Queue {
  url: string;
  arn: string;
  messages: number;
}

async function resolveQueue(sqs: SQSClient, given: string, stagePrefix: string): Promise<Queue> {
  const url = given.startsWith('https://')
    ? given
    : given.startsWith('arn:')
      ? urlOfArn(given)
      : (await sqs.send(new GetQueueUrlCommand({ QueueName: deadLetterQueueName(given, stagePrefix) })))
          .QueueUrl;
  if (!url) throw new Error('SQS gave no queue URL');
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'],
    }),
  );
  return { url, arn: a.QueueArn ?? given, messages: Number(a.ApproximateNumberOfMessages ?? 0) };
}

/** arn:aws:sqs:<region>:<account>:<name> → its URL (the form the other SQS calls take). */
function urlOfArn(arn: string): string {
  const [, partition, service, region, account, name] = arn.split(':');
  if (service !== 'sqs' || !region || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

async function startMove(sqs: SQSClient, queue: Queue, out: (s: string) => void): Promise<number> {
  if (queue.messages === 0) {
    out(`${queue.arn}: no messages to move (approximately); nothing started`);
    return 0;
  }
  // No DestinationArn: SQS moves each message back to the queue it was dead-lettered from.
  const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queue.arn }));
  out(
    `moving about ${queue.messages} message(s) from ${queue.arn} back to their source queue ` +
      `(task ${task.TaskHandle ?? '?'}); follow it with --status`,
  );
  return 0;
}

async function showStatus(sqs: SQSClient, queue: Queue, out: (s: string) => void): Promise<number> {
  const { Results = [] } = await sqs.send(
    new ListMessageMoveTasksCommand({ SourceArn: queue.arn, MaxResults: 10 }),
  );
  out(`${queue.arn}: about ${queue.messages} message(s) waiting`);
  if (Results.length === 0) out('  no move tasks');
  for (const t of Results)
    out(
      `  ${t.Status ?? '?'}: ${t.ApproximateNumberOfMessagesMoved ?? 0} of ` +
        `${t.ApproximateNumberOfMessagesToMove ?? '?'} moved, started ` +
        `${t.StartedTimestamp ? new Date(t.StartedTimestamp).toISOString() : '?'}` +
        (t.FailureReason ? `; failed: ${t.FailureReason}` : ''),
    );
  return 0;
}

/** What went wrong, in words that say what to do. */
function explain(e: unknown, given: string, stagePrefix: string): string {
  const error = e as { name?: string; message?: string };
  switch (error.name) {
    case 'QueueDoesNotExist':
    case 'AWS.SimpleQueueService.NonExistentQueue':
      return (
        `no queue ${given.includes(':') ? given : deadLetterQueueName(given, stagePrefix)} in this account and ` +
        `region (known: ${DEAD_LETTER_QUEUES.join(', ')}; check AWS_PROFILE, AWS_REGION and --stage)`
      );
    case 'UnsupportedOperation':
    case 'InvalidParameterValue':
      return `SQS refused the move: ${error.message ?? ''} (the queue must be the dead-letter queue of an SQS queue, with no move already running)`;
    case 'CredentialsProviderError':
      return `no AWS credentials: ${error.message ?? ''}`;
    default:
      return `${error.name ?? 'Error'}: ${error.message ?? String(e)}`;
  }
}
