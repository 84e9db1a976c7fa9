import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Activity } from '../../local/activity';
import { Closers } from '../../local/closers';
import { LocalEventBus } from '../../local/eventbridge';
import { runtimeClientConfig, localClientConfig } from '../../local/sdk';
import { startStore, type LocalStore } from '../../local/store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const item = (id: string) => ({ pk: { S: `T#${id}` }, sk: { S: 'T' }, n: { N: '1' } });

describe("the local runtime's in-process SDK transport", () => {
  let closers: Closers;
  let store: LocalStore;

  beforeEach(async () => {
    closers = new Closers();
    const options = { dataDir: undefined, port: 0, host: '127.0.0.1', tableName: 'transport' };
    store = await startStore(options, new Activity(), closers);
  });
  afterEach(() => closers.closeAll());

  it('reaches the same dynalite as the port, and brings its errors back as the SDK types them', async () => {
    await store.client.send(new PutItemCommand({ TableName: store.tableName, Item: item('a') }));
    const overHttp = new DynamoDBClient(localClientConfig(store.url));
    try {
      const { Item } = await overHttp.send(
        new GetItemCommand({ TableName: store.tableName, Key: { pk: { S: 'T#a' }, sk: { S: 'T' } } }),
      );
      expect(Item).toEqual(item('a'));
    } finally {
      overHttp.destroy();
    }
    const again = new PutItemCommand({
      TableName: store.tableName,
      Item: item('a'),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    await expect(store.client.send(again)).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('fails a call made after the store closed instead of calling into the closed dynalite', async () => {
    await closers.closeAll();
    await expect(
      store.client.send(new PutItemCommand({ TableName: store.tableName, Item: item('late') })),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it("carries an AWS JSON server's answers (the local event bus) with no socket", async () => {
    const bus = new LocalEventBus('rapport', () => new Date('2026-11-22T10:00:00Z'), new Activity());
    const client = new EventBridgeClient(runtimeClientConfig('http://127.0.0.1:1', bus.transport));
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'rapport', DetailType: 'Test', Detail: '{"a":1}' },
          { Source: 'rapport', DetailType: 'Test', Detail: '{}', EventBusName: 'elsewhere' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[1]).toMatchObject({ ErrorCode: 'ResourceNotFoundException' });
    expect(bus.events).toHaveLength(1);
  });
});
