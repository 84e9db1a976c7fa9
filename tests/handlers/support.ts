import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createCustomerStore } from '../../adapters/dynamodb/customer-store';
import { ensureTable } from '../../adapters/dynamodb/table';
import type { Lifecycle } from '../../domain/lifecycle/schema';
import { newProfile } from '../../domain/lifecycle/apply';
import type { Profile } from '../../domain/profile/profile';
import type { CustomerStore, MessageRecord } from '../../domain/ports';
import { messageKey, type SendMessageInput } from '../../domain/messages/send';
import { SESClient } from '@aws-sdk/client-ses';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { mockClient } from 'aws-sdk-client-mock';
import type { SQSEvent } from 'aws-lambda';
import type { FunctionName } from '../../functions/routes';
import { checkGrants } from '../support/grants';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'events');

/** A fixture event, parsed afresh on every call so that a test may change its copy. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name), 'utf8')) as T;
}

/** The example purchase, as the fixtures carry it. */
export const PURCHASE = Object.freeze({
  eventId: 'e-1',
  type: 'purchase',
  customerId: 'c-42',
  at: '2026-11-22T10:00:00Z',
  amount: 19.9,
  currency: 'CNY',
  customer: { email: 'li@example.com', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
});

export interface Item {
  pk: string;
  sk: string;
  [attribute: string]: unknown;
}

export interface LocalDynamo {
  client: DynamoDBClient;
  /** The client behind every table's `storeFor(fn)`: to count the calls `fn`'s handler makes. */
  clientFor(fn: FunctionName): DynamoDBClient;
  /** A new, empty table with the production key schema: one per test keeps tests independent. */
  freshTable(): Promise<Table>;
  stop(): Promise<void>;
}

export interface Table {
  name: string;
  /** Unrestricted: for seeding and assertions. */
  store: CustomerStore;
  /**
   * The same table as `fn`'s Lambda role lets it be used: a DynamoDB action infra/table-access.ts does not
   * grant `fn` throws (tests/support/grants.ts). Give it to the handler a test runs as `fn`.
   */
  storeFor(fn: FunctionName): CustomerStore;
  /** Every item in the table, whatever its key: "nothing was written" is `scan()` being empty. */
  scan(): Promise<Item[]>;
}

/** An in-memory dynalite on a free port: real conditional writes, no AWS account, no disk. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server: Server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const newClient = () =>
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  const client = newClient();
  const doc = DynamoDBDocumentClient.from(client);
  // One client per function, each refusing what that function's role is not granted, shared by the tables.
  const granted = new Map<FunctionName, DynamoDBClient>();
  const clientFor = (fn: FunctionName): DynamoDBClient => {
    let c = granted.get(fn);
    if (!c) {
      c = newClient();
      checkGrants(c, fn);
      granted.set(fn, c);
    }
    return c;
  };
  let tables = 0;

  return {
    client,
    clientFor,
    async freshTable() {
      const name = `rapport-${++tables}`;
      await ensureTable(client, name);
      return {
        name,
        store: createCustomerStore(client, name),
        storeFor: (fn) => createCustomerStore(clientFor(fn), name),
        async scan() {
          const items: Item[] = [];
          let start: Record<string, unknown> | undefined;
          do {
            const page = await doc.send(
              new ScanCommand({ TableName: name, ConsistentRead: true, ExclusiveStartKey: start }),
            );
            items.push(...((page.Items ?? []) as Item[]));
            start = page.LastEvaluatedKey;
          } while (start);
          return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
        },
      };
    },
    async stop() {
      client.destroy();
      for (const c of granted.values()) c.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Stores the customer as ingest-event leaves them after their first small purchase. */
export async function seedProfile(
  store: CustomerStore,
  lifecycle: Lifecycle,
  patch: Partial<Profile> = {},
): Promise<Profile> {
  const profile: Profile = {
    ...newProfile('c-42', lifecycle, new Date('2026-11-22T10:00:00Z')),
    stage: 'first-purchase',
    email: 'li@example.com',
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    purchaseCount: 1,
    firstPurchaseSmall: true,
    firstPurchase: { eventId: 'e-1', at: '2026-11-22T10:00:00Z', amount: 19.9, currency: 'CNY', small: true },
    recentEventIds: ['e-1'],
    version: 1,
    ...patch,
  };
  await store.putProfile(profile);
  return profile;
}

/** The message record a send left when it was killed between its claim and the provider's answer. */
export function killedSendClaim(
  task: Pick<
    SendMessageInput,
    'customerId' | 'executionId' | 'stepId' | 'journeyId' | 'journeyVersion' | 'template'
  >,
  claimedAt: string,
  patch: Partial<MessageRecord> = {},
): MessageRecord {
  return {
    customerId: task.customerId,
    messageKey: messageKey(task.executionId, task.stepId),
    journeyId: task.journeyId,
    journeyVersion: task.journeyVersion,
    stepId: task.stepId,
    executionId: task.executionId,
    channel: 'email',
    template: task.template,
    category: 'marketing',
    priority: 'normal',
    status: 'sending',
    to: 'li@example.com',
    createdAt: claimedAt,
    claimedAt,
    ...patch,
  };
}

/** SES and SMS clients with their mocks (aws-sdk-client-mock), for handler tests that send. */
export function mockedProviders() {
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const sesClient = new SESClient({ region: 'eu-west-1', credentials });
  const smsClient = new PinpointSMSVoiceV2Client({ region: 'eu-west-1', credentials });
  return { sesClient, ses: mockClient(sesClient), smsClient, sms: mockClient(smsClient) };
}

/**
 * For a test file that sends through dynalite: dynalite started before its tests and the provider mocks
 * restored after them. `dynamo()` is the running dynalite (only inside a test or hook).
 */
export function sendingOnDynalite() {
  const providers = mockedProviders();
  let running: LocalDynamo | undefined;
  beforeAll(async () => {
    running = await startDynalite();
  });
  afterAll(async () => {
    providers.ses.restore();
    providers.sms.restore();
    await running?.stop();
  });
  const dynamo = (): LocalDynamo => {
    if (!running) throw new Error('dynalite is started in beforeAll: use dynamo() inside a test or hook');
    return running;
  };
  return { ...providers, dynamo };
}

/**
 * An SQS batch as the event source mapping delivers it, from the fixture's first record: one record per
 * body (JSON-encoded, as SendMessageBatch and an EventBridge rule's SQS target put it).
 */
export function sqsBatch(fixtureName: string, ...bodies: unknown[]): SQSEvent {
  const template = fixture<SQSEvent>(fixtureName).Records[0]!;
  return {
    Records: bodies.map((body, i) => ({
      ...template,
      messageId: `${template.messageId.slice(0, -4)}${String(i + 1).padStart(4, '0')}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })),
  };
}
