import { SendRawEmailCommand, type SendRawEmailCommandInput } from '@aws-sdk/client-ses';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { fixedClock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { type SendMessageInput, type SendMessageResult } from '../../domain/messages/send';
import type { Profile } from '../../domain/profile/profile';
import { invokeLambda } from '../../local/lambda';
import { WORKFLOWS_DIR } from '../support/paths';
import { type Item, type Table, fixture, sendingOnDynalite, seedProfile as seedProfileIn } from './support';
import { realSendHandler } from './send-wiring';

/*
 * What the send-message.*.test.ts files share. Importing it registers their hooks: dynalite started once
 * per test file, and before each test a fresh table and provider mocks that answer with new message ids.
 */

export const workflows = loadWorkflows(WORKFLOWS_DIR);
export const NOW = '2026-11-22T10:00:03.000Z';
export const SECRET = 'handler-test-link-secret';
export const PUBLIC_BASE_URL = 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/';
export const SENDER = 'Rapport Demo Store <hello@rapport.example>';
const TASK_FIXTURE = 'sfn-send-message-task.json';
export const UNSUBSCRIBE_URL =
  /^https:\/\/abc123defg\.execute-api\.eu-west-1\.amazonaws\.com\/unsubscribe\?token=[\w-]+\.[\w-]+$/;

/** The current test's table (a live binding: reassigned before each test). */
export let table: Table;
export const { sesClient, ses, smsClient, sms, dynamo } = sendingOnDynalite();
/** The number in the providers' last message id (`ses-N`, `sms-N`). */
export let sesMessageIds = 0;
/** The next provider message id's number, for a test that answers for the providers itself. */
export const nextMessageId = () => ++sesMessageIds;
beforeEach(async () => {
  table = await dynamo().freshTable();
  ses.reset();
  ses.on(SendRawEmailCommand).callsFake(async () => ({ MessageId: `ses-${nextMessageId()}` }));
  sms.reset();
  sms.on(SendTextMessageCommand).callsFake(async () => ({ MessageId: `sms-${nextMessageId()}` }));
});

export function handler(now = NOW) {
  return realSendHandler({
    table,
    workflows,
    clients: { sesClient, smsClient },
    clock: fixedClock(now),
    sender: SENDER,
    publicBaseUrl: PUBLIC_BASE_URL,
    linkSecret: SECRET,
  });
}

export const task = (patch: Partial<SendMessageInput> = {}): SendMessageInput => ({
  ...fixture<SendMessageInput>(TASK_FIXTURE),
  ...patch,
});

export function send(input: unknown = task(), h = handler()): Promise<SendMessageResult> {
  return invokeLambda('rapport-send-message', h, input);
}

/** The customer of the issue after their first small purchase, as ingest-event leaves them. */
export const seedProfile = (patch: Partial<Profile> = {}) =>
  seedProfileIn(table.store, workflows.lifecycle, patch);

export function sendCalls(): SendRawEmailCommandInput[] {
  return ses.commandCalls(SendRawEmailCommand).map((c) => c.args[0].input);
}

export async function messageRecords(): Promise<Item[]> {
  return (await table.scan()).filter((i) => i.sk.startsWith('MESSAGE#'));
}

export interface Email {
  raw: string;
  parsed: ParsedMail;
  /** A header's value as written, unfolded (RFC 5322 §2.2.3), not decoded. */
  header(name: string): string | undefined;
  unsubscribeUrl: string;
}

export async function onlyEmail(): Promise<Email> {
  const calls = sendCalls();
  expect(calls).toHaveLength(1);
  const data = calls[0]!.RawMessage!.Data!;
  const raw = Buffer.from(data).toString('utf8');
  const parsed = await simpleParser(Buffer.from(data));
  const header = (name: string) => {
    const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
    return line?.replace(/\r\n(?=[ \t])/g, '').replace(/^[^:]+:\s*/, '');
  };
  const listUnsubscribe = header('List-Unsubscribe') ?? '';
  return { raw, parsed, header, unsubscribeUrl: listUnsubscribe.replace(/^<(.*)>$/, '$1') };
}
