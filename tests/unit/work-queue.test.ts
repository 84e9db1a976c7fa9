import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { QueueSendError, sqsWorkQueue } from '../../adapters/sqs/work-queue';
import { eachRecord } from '../../functions/shared/sqs';
import { createLogger } from '../../functions/shared/observability';
import { InlineDeliveryError, inlineQueue } from '../../local/inline-queue';

const logger = createLogger({ logLevel: 'SILENT' });

describe('sqsWorkQueue', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it('sends JSON bodies in batches of ten and sends again the entries SQS refused', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '3', Code: 'Throttled', SenderFault: false }] })
      .resolves({ Successful: [], Failed: [] });
    await sqsWorkQueue<{ n: number }>(new SQSClient({}), 'url').send(
      Array.from({ length: 12 }, (_, n) => ({ n })),
    );
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.map((e) => JSON.parse(e.MessageBody ?? '').n))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [3],
      [10, 11],
    ]);
  });

  it('throws, naming the count, when entries are still refused after its attempts', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    await expect(sqsWorkQueue(new SQSClient({}), 'url').send([{ a: 1 }])).rejects.toThrow(QueueSendError);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });
});

describe('eachRecord and inlineQueue', () => {
  it('delivers again only what the consumer reported failed, and throws what never succeeds', async () => {
    const seen: number[] = [];
    const consume = (event: SQSEvent) =>
      eachRecord<{ n: number }>(
        event,
        async ({ n }) => {
          seen.push(n);
          if (n === 2 && seen.filter((s) => s === 2).length < 2) throw new Error('once');
          if (n === 3) throw new Error('always');
        },
        { logger },
      );
    await inlineQueue<{ n: number }>('q', consume).send([{ n: 1 }, { n: 2 }]);
    expect(seen).toEqual([1, 2, 2]);
    await expect(inlineQueue<{ n: number }>('q', consume).send([{ n: 3 }])).rejects.toThrow(
      InlineDeliveryError,
    );
    expect(seen.filter((s) => s === 3)).toHaveLength(3);
  });

  it('reports a body that is not JSON as failed instead of dropping it', async () => {
    const record = { messageId: 'm1', body: '{nope', attributes: { ApproximateReceiveCount: '1' } };
    const response = await eachRecord({ Records: [record] } as unknown as SQSEvent, async () => {}, {
      logger,
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });
});
