import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { signLink, type LinkClaims } from '../../domain/messages/links';
import type { LocalRuntime } from '../../local/runtime';
import { httpRequest } from '../support/http';
import { TEST_NOW } from '../support/paths';

import { LOCAL_LINK_SECRET } from '../../local/runtime';

export { LOCAL_LINK_SECRET };

/** The customer the suite's links and events are about: created before the hostile requests start. */
export const SEED_CUSTOMER = 'c-seed';

const NOW_S = Math.floor(Date.parse(TEST_NOW) / 1000);

/** Links as the runtime signs them, with claims a test may bend. */
export const token = {
  unsubscribe: (over: Partial<LinkClaims> = {}, secret = LOCAL_LINK_SECRET) =>
    signLink(
      {
        customerId: SEED_CUSTOMER,
        purpose: 'unsubscribe',
        channel: 'email',
        iat: NOW_S,
        ...over,
      } as LinkClaims,
      secret,
    ),
  preferences: (over: Record<string, unknown> = {}, secret = LOCAL_LINK_SECRET) =>
    signLink(
      {
        customerId: SEED_CUSTOMER,
        purpose: 'preferences',
        iat: NOW_S,
        exp: NOW_S + 86_400,
        ...over,
      } as LinkClaims,
      secret,
    ),
  feedback: (over: Record<string, unknown> = {}, secret = LOCAL_LINK_SECRET) =>
    signLink(
      {
        customerId: SEED_CUSTOMER,
        purpose: 'feedback',
        iat: NOW_S,
        exp: NOW_S + 86_400,
        survey: 'nps',
        score: 9,
        journeyId: 'nps-survey',
        stepId: 'ask',
        messageKey: '0123456789abcdef0123456789abcdef',
        ...over,
      } as LinkClaims,
      secret,
    ),
  /** Signed with the right secret, but with claims of no known shape. */
  raw: (claims: unknown, secret = LOCAL_LINK_SECRET) => signLink(claims as LinkClaims, secret),
};

/** One character of the signature changed: intact shape, broken signature. */
export function tampered(t: string): string {
  const last = t.at(-1) === 'A' ? 'B' : 'A';
  return `${t.slice(0, -1)}${last}`;
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Any request, bytes and headers exactly as given (no client fills in a content type). Only the status,
 * content type and text are kept, so a test can compare whole answers with `toEqual`. A server may
 * answer 413 and close before a huge body is sent: the answer, which comes first, is what counts.
 */
export async function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const { status, contentType, text } = await httpRequest(url, options);
  return { status, contentType, text };
}

/** Every item of the table, in key order: two snapshots are equal exactly when nothing was written. */
export async function tableSnapshot(runtime: LocalRuntime): Promise<string> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await runtime.clients.dynamodb.send(
      new ScanCommand({ TableName: runtime.tableName, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const key = (i: Record<string, AttributeValue>) => `${i.pk?.S ?? ''}\u0000${i.sk?.S ?? ''}`;
  return JSON.stringify(items.sort((a, b) => key(a).localeCompare(key(b))));
}

/**
 * Waits until the runtime has no work in flight (journeys started by a request run after its answer) nor
 * set to come (an email's delivery report, a second after it), for a few quiet checks in a row; gives up after 500 checks rather than hang a suite.
 */
export async function settled(runtime: LocalRuntime): Promise<void> {
  for (let quiet = 0, tries = 0; quiet < 3 && tries < 500; tries++) {
    await new Promise((r) => setTimeout(r, 10));
    const { inFlight, scheduled } = runtime.activity;
    quiet = inFlight === 0 && scheduled === 0 ? quiet + 1 : 0;
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  problems: { field: string; value?: unknown; expected: string }[];
  requestId?: string;
}
