import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { parse } from 'yaml';
import { httpRequest } from './http';
import type { StoredEmail, ThanksRecord } from './crash-tally';

/**
 * What the crash test (tests/e2e/crash-restart.test.ts) does to a real `npm start` from outside, as a
 * user's systems would: post purchases, read the local SES's store, and read the store's message records.
 */
const WORKFLOWS = join(__dirname, '..', '..', 'workflows');

/**
 * The thank-you: the template of the first-small-purchase journey's first step, and the fixed start of its
 * English subject (up to the first Liquid tag), read from the shipped files so a reworded subject still counts.
 */
export function thanksTemplate(): { template: string; subjectStart: string } {
  const journey = parse(readFileSync(join(WORKFLOWS, 'journeys', 'first-small-purchase.yaml'), 'utf8')) as {
    steps: { type: string; template?: string }[];
  };
  const first = journey.steps[0];
  if (first?.type !== 'send' || !first.template)
    throw new Error('first-small-purchase no longer starts with a send step: update the crash test');
  const file = join(WORKFLOWS, 'templates', first.template, 'en.yaml');
  const { subject } = parse(readFileSync(file, 'utf8')) as { subject: string };
  return { template: first.template, subjectStart: subject.split('{')[0]!.trim() };
}

/**
 * A zone where it is about 14:00 at `now`: the spawned process runs on the wall clock, and a thank-you
 * due in quiet hours (21:00–09:00 local) would wait for the morning. Etc/GMT-14 is UTC+14 (POSIX signs).
 */
export function afternoonZoneAt(now: Date): string {
  const offset = 14 - now.getUTCHours();
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

export interface Customer {
  customerId: string;
  email: string;
  /** The exact body posted, and posted again unchanged if it was not answered. */
  body: string;
}

/** A small first purchase (it enters first-small-purchase), dated a minute before `now`. */
export function customers(count: number, now: Date): Customer[] {
  const timeZone = afternoonZoneAt(now);
  const at = new Date(now.getTime() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return Array.from({ length: count }, (_, i) => {
    const customerId = `crash-${i}`;
    const email = `${customerId}@example.com`;
    const event = {
      eventId: `purchase-${i}`,
      type: 'purchase',
      customerId,
      at,
      amount: 19.9,
      currency: 'CNY',
      customer: { email, locale: 'en', timeZone },
    };
    return { customerId, email, body: JSON.stringify(event) };
  });
}

/** An answer's status, or `no answer` when the connection ended without one (the process was killed). */
export type Answer = number | 'no answer';

/**
 * Posts every body, `inFlight` at a time (a client's connection pool); `onAnswer` is told of each answer as
 * it arrives. A body posted after the process died is not answered either.
 */
export async function postAll(
  apiUrl: string,
  bodies: readonly string[],
  options: { inFlight: number; onAnswer?: (answered: number) => void },
): Promise<Answer[]> {
  const answers: Answer[] = [];
  let answered = 0;
  let next = 0;
  const post = (body: string) =>
    httpRequest(`${apiUrl}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  const worker = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      answers[i] = await post(bodies[i]!).then(
        (r) => (options.onAnswer?.(++answered), r.status),
        () => 'no answer' as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.inFlight, bodies.length) }, worker));
  return answers;
}

/** Every email the local SES has taken since `since` (epoch seconds; inclusive), or all of them. */
export async function sesEmails(sesUrl: string, since?: number): Promise<(StoredEmail & { at: number })[]> {
  const res = await httpRequest(`${sesUrl}/store${since === undefined ? '' : `?since=${since}`}`);
  if (res.status !== 200) throw new Error(`the local SES store answered ${res.status}: ${res.text}`);
  return res.json<{ emails: (StoredEmail & { at: number })[] }>().emails;
}

/** Every MESSAGE# record of `template`, read through the SDK from the DynamoDB endpoint of a running process. */
export async function thanksRecords(
  dynamodbUrl: string,
  table: string,
  template: string,
): Promise<ThanksRecord[]> {
  const dynamodb = new DynamoDBClient({
    endpoint: dynamodbUrl,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const client = DynamoDBDocumentClient.from(dynamodb);
  const records: ThanksRecord[] = [];
  try {
    const pages = paginateScan(
      { client },
      {
        TableName: table,
        FilterExpression: 'begins_with(sk, :message) AND #template = :template',
        ExpressionAttributeNames: { '#template': 'template' },
        ExpressionAttributeValues: { ':message': 'MESSAGE#', ':template': template },
      },
    );
    for await (const page of pages) records.push(...((page.Items ?? []) as ThanksRecord[]));
  } finally {
    dynamodb.destroy();
  }
  return records;
}
