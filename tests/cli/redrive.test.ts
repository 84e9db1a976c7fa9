import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  QueueDoesNotExist,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { redriveCommand } from '../../cli/redrive';

const sqs = mockClient(SQSClient);
const client = new SQSClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 't', secretAccessKey: 't' },
});
const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/rapport-starts-dlq';
const ARN = 'arn:aws:sqs:eu-west-1:123456789012:rapport-starts-dlq';

async function redrive(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await redriveCommand(
    argv,
    (s) => out.push(s),
    (s) => err.push(s),
    client,
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeEach(() => {
  sqs.reset();
  sqs.on(GetQueueUrlCommand, { QueueName: 'rapport-starts-dlq' }).resolves({ QueueUrl: URL });
  sqs
    .on(GetQueueAttributesCommand)
    .resolves({ Attributes: { QueueArn: ARN, ApproximateNumberOfMessages: '42' } });
  sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
});
afterAll(() => sqs.restore());

describe('rapport redrive', () => {
  it('a short name: the stack’s dead-letter queue rapport-<name>-dlq, moved back to its source', async () => {
    const { code, out } = await redrive('starts');
    expect(code).toBe(0);
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]!.args[0].input).toEqual({
      QueueName: 'rapport-starts-dlq',
    });
    // No DestinationArn: each message goes back to the queue it was dead-lettered from.
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input)).toEqual([
      { SourceArn: ARN },
    ]);
    expect(out).toContain('about 42 message(s)');
    expect(out).toContain('task-1');
  });

  it('a URL or an ARN is used as given (no name lookup)', async () => {
    for (const given of [URL, ARN]) {
      sqs.resetHistory();
      expect((await redrive(given)).code).toBe(0);
      expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(0);
      expect(sqs.commandCalls(GetQueueAttributesCommand)[0]!.args[0].input.QueueUrl).toBe(URL);
      expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({ SourceArn: ARN });
    }
  });

  it('an empty dead-letter queue: nothing started, said so', async () => {
    sqs
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: ARN, ApproximateNumberOfMessages: '0' } });
    const { code, out } = await redrive('starts');
    expect(code).toBe(0);
    expect(out).toContain('no messages to move');
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('--status lists the move tasks and starts none', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          Status: 'RUNNING',
          ApproximateNumberOfMessagesMoved: 10,
          ApproximateNumberOfMessagesToMove: 42,
          StartedTimestamp: Date.parse('2026-12-02T10:00:00Z'),
        },
        { Status: 'FAILED', ApproximateNumberOfMessagesMoved: 0, FailureReason: 'AccessDenied' },
      ],
    });
    const { code, out } = await redrive('starts', '--status');
    expect(code).toBe(0);
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)[0]!.args[0].input).toMatchObject({ SourceArn: ARN });
    expect(out).toContain('RUNNING: 10 of 42 moved, started 2026-12-02T10:00:00.000Z');
    expect(out).toContain('FAILED: 0 of ? moved');
    expect(out).toContain('failed: AccessDenied');
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('an unknown name: exit 1 naming the queue looked for and the known ones', async () => {
    sqs
      .on(GetQueueUrlCommand, { QueueName: 'rapport-nope-dlq' })
      .rejects(new QueueDoesNotExist({ message: 'no such queue', $metadata: {} }));
    const { code, err } = await redrive('nope');
    expect(code).toBe(1);
    expect(err).toContain('no queue rapport-nope-dlq');
    expect(err).toContain('ingest, starts, sweep');
  });

  it('--stage: the dead-letter queue of that stage, <stage>-rapport-<name>-dlq', async () => {
    const staged = URL.replace('rapport-starts-dlq', 'dev-rapport-starts-dlq');
    sqs.on(GetQueueUrlCommand, { QueueName: 'dev-rapport-starts-dlq' }).resolves({ QueueUrl: staged });
    expect((await redrive('starts', '--stage', 'dev')).code).toBe(0);
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]!.args[0].input).toEqual({
      QueueName: 'dev-rapport-starts-dlq',
    });
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]!.args[0].input.QueueUrl).toBe(staged);
    sqs
      .on(GetQueueUrlCommand, { QueueName: 'qa-rapport-starts-dlq' })
      .rejects(new QueueDoesNotExist({ message: 'no such queue', $metadata: {} }));
    const missing = await redrive('starts', '--stage', 'qa');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no queue qa-rapport-starts-dlq');
    const bad = await redrive('starts', '--stage', 'Dev-1');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--stage Dev-1: expected a short lowercase name');
  });

  it('no queue, or two: usage, exit 2', async () => {
    expect((await redrive()).code).toBe(2);
    const two = await redrive('ingest', 'starts');
    expect(two.code).toBe(2);
    expect(two.err).toContain('Usage: rapport redrive');
  });
});
