import { GetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { fixedClock, type Clock } from '../../domain/clock';
import type { Profile } from '../../domain/profile/profile';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { installVirtualTime, type VirtualTime } from '../../local/virtual-time';
import { httpRequest } from './http';
import { TEST_NOW, WORKFLOWS_DIR } from './paths';

// Re-exported for the suites that run the local runtime; a suite that needs only these imports './paths'.
export { TEST_NOW, WORKFLOWS_DIR };

/** A local runtime on free ports with an in-memory table: what `npm start` runs, minus the disk. */
export function startTestRuntime(
  clock: Clock = fixedClock(TEST_NOW),
  options: { workflowsDir?: string; sweepEveryMs?: number } = {},
): Promise<LocalRuntime> {
  return startLocalRuntime({
    workflowsDir: options.workflowsDir ?? WORKFLOWS_DIR,
    clock,
    sender: 'Rapport Demo Store <hello@rapport.local>',
    sweepEveryMs: options.sweepEveryMs,
  });
}

export interface VirtualRuntime {
  time: VirtualTime;
  runtime: LocalRuntime;
  /** Stops the runtime and puts the real clock back. */
  stop(): Promise<void>;
}

/** A test runtime in virtual time from TEST_NOW (the real clock is back if it fails to start). */
export async function startVirtualRuntime(
  options: { workflowsDir?: string; sweepEveryMs?: number } = {},
): Promise<VirtualRuntime> {
  const time = installVirtualTime(TEST_NOW);
  const runtime = await startTestRuntime(time.clock, options).catch((e: unknown) => {
    time.uninstall();
    throw e;
  });
  return {
    time,
    runtime,
    async stop() {
      await runtime.stop();
      time.uninstall();
    },
  };
}

export interface InboxEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** Reads the local SES server's store over its HTTP API, as a person's inbox page does. */
export async function inbox(runtime: LocalRuntime, to?: string): Promise<InboxEmail[]> {
  const { emails } = (await httpRequest(`${runtime.urls.ses}/store`)).json<{ emails: InboxEmail[] }>();
  return to ? emails.filter((e) => e.destination.to.some((t) => t.includes(to))) : emails;
}

export async function profileOf(runtime: LocalRuntime, customerId: string): Promise<Profile | undefined> {
  const doc = DynamoDBDocumentClient.from(runtime.clients.dynamodb);
  const { Item } = await doc.send(
    new GetCommand({ TableName: runtime.tableName, Key: { pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' } }),
  );
  return Item as Profile | undefined;
}

/** A customer's items in the table (profile, events, messages, decisions…), or those whose sort key starts with `skPrefix`. */
export async function itemsOf(
  runtime: LocalRuntime,
  customerId: string,
  skPrefix?: string,
): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await DynamoDBDocumentClient.from(runtime.clients.dynamodb).send(
    new QueryCommand({
      TableName: runtime.tableName,
      // DynamoDB refuses an empty string for a key attribute, so no prefix means no sort-key condition.
      KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
      ExpressionAttributeValues: {
        ':pk': `CUSTOMER#${customerId}`,
        ...(skPrefix ? { ':sk': skPrefix } : {}),
      },
    }),
  );
  return Items;
}

export function postEvent(runtime: LocalRuntime, body: unknown) {
  return httpRequest(`${runtime.urls.api}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A customer known (`<id>@example.com`, English) from now on the runtime's clock: a profile event. */
export function signUp(runtime: LocalRuntime, id: string, now: Date) {
  return postEvent(runtime, {
    eventId: `${id}-signup`,
    type: 'profile',
    customerId: id,
    at: now.toISOString(),
    customer: { email: `${id}@example.com`, locale: 'en' },
  });
}

export async function clearInbox(runtime: LocalRuntime): Promise<void> {
  await httpRequest(`${runtime.urls.ses}/clear-store`, { method: 'POST' });
}

/** The event of the step 2: a first purchase of 19.90 CNY by a customer who reads Chinese. */
export function firstSmallPurchase(
  overrides: { eventId?: string; customerId?: string; email?: string } = {},
) {
  return {
    eventId: overrides.eventId ?? 'e-1',
    type: 'purchase',
    customerId: overrides.customerId ?? 'c-42',
    at: '2026-11-22T10:00:00Z',
    amount: 19.9,
    currency: 'CNY',
    customer: { email: overrides.email ?? 'li@example.com', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
  };
}

export { fixedClock };
