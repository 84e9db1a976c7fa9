import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { customerFacts, putItems, UnprocessedItemsError } from '../../adapters/dynamodb/batch';
import { keys } from '../../adapters/dynamodb/keys';

/**
 * What DynamoDB hands back unprocessed (a throttled partition) is asked for again. dynalite never hands
 * anything back, so the contract tests cannot see this: the answers are scripted here.
 */
const TABLE = 'rapport';
const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const dynamo = mockClient(doc);
afterEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

const withoutKeys = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest;
const entry = (n: number) => ({ pk: 'CUSTOMER#c-1', sk: `JOURNEY#welcome#x-${n}`, n });
const sentItems = (call: number) =>
  (dynamo.commandCalls(BatchWriteCommand)[call]?.args[0].input.RequestItems?.[TABLE] ?? []).map(
    (r) => (r.PutRequest?.Item as { n: number }).n,
  );

it('BatchGetItem: the keys handed back unprocessed are read again, and only they', async () => {
  const profile = { ...keys.profile('c-1'), customerId: 'c-1' };
  const pacing = { ...keys.pacing('c-1'), customerId: 'c-1', version: 3 };
  dynamo
    .on(BatchGetCommand)
    .resolvesOnce({
      Responses: { [TABLE]: [profile] },
      UnprocessedKeys: { [TABLE]: { Keys: [keys.pacing('c-1')] } },
    })
    .resolvesOnce({ Responses: { [TABLE]: [pacing] } });
  const facts = await customerFacts(doc, TABLE, withoutKeys)('c-1', { profile: true, pacing: true });
  expect(facts).toStrictEqual({ profile: withoutKeys(profile), pacing: withoutKeys(pacing) });
  const asked = dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.[TABLE]?.Keys);
  expect(asked).toEqual([[keys.profile('c-1'), keys.pacing('c-1')], [keys.pacing('c-1')]]);
});

it('BatchWriteItem: 25 items a request, the unprocessed ones written again before the next batch', async () => {
  dynamo
    .on(BatchWriteCommand)
    .resolvesOnce({ UnprocessedItems: { [TABLE]: [{ PutRequest: { Item: entry(7) } }] } })
    .resolves({});
  await putItems(doc, TABLE)(Array.from({ length: 27 }, (_, n) => entry(n)));
  expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(3);
  expect(sentItems(0)).toEqual(Array.from({ length: 25 }, (_, n) => n));
  expect(sentItems(1)).toEqual([7]);
  expect(sentItems(2)).toEqual([25, 26]);
});

it('BatchWriteItem: items that stay unprocessed fail the call after five requests', async () => {
  dynamo.on(BatchWriteCommand).callsFake(({ RequestItems }: { RequestItems: Record<string, unknown[]> }) => ({
    UnprocessedItems: RequestItems,
  }));
  await expect(putItems(doc, TABLE)([entry(1), entry(2)])).rejects.toBeInstanceOf(UnprocessedItemsError);
  expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(5);
});
