import { request } from 'node:http';
import type { Delivered, EmailTracking, SentEmail, SentSms } from '../../adapters/console/message-html';
import { assertNever } from '../../domain/assert-never';
import { SKIP_WORDS } from '../../domain/console/describe';
import type { MessageRecord } from '../../domain/message-record';
import { smsLength } from '../../domain/messages/sms';
import type { LocalSms } from '../sms-outbox';

/** Where a sent message's content is kept on this machine: the SES emulator and the SMS outbox. */
export interface DeliveredSources {
  /** The email the SES emulator holds under this SES message id, if it still holds it. */
  email(messageId: string): Promise<SentEmail | undefined>;
  /** The text message the outbox holds under this message id, if it still holds it. */
  sms(messageId: string): SentSms | undefined;
  /** Whether SES would track this email, and its tracked links (the local engagement reporter). */
  tracking?(messageId: string): EmailTracking | undefined;
}

/** Reading the SES emulator's store failed (it did not answer, or not with JSON). */
export class InboxUnreadableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InboxUnreadableError';
  }
}

/**
 * A message's content as the customer got it, found by the provider's message id the record holds (the
 * only exact key: subjects and texts repeat), or in plain words why there is none to show.
 */
export async function deliveredContent(m: MessageRecord, sources: DeliveredSources): Promise<Delivered> {
  const absent = (why: string): Delivered => ({ kind: 'absent', why });
  const reason = m.reason ? SKIP_WORDS[m.reason] : 'no reason recorded';
  switch (m.status) {
    case 'sent':
      return sentContent(m, sources);
    case 'skipped':
      return absent(`Not sent (${reason}): nothing was delivered, so there is no content to show.`);
    case 'deferred':
      return absent(
        `Not sent yet (${reason}${m.deferredUntil ? `; tried again at ${m.deferredUntil}` : ''}): no content until it goes out.`,
      );
    case 'sending':
      return absent('Being sent: the provider has not answered yet, so there is no content to show yet.');
    case 'in-doubt':
      return absent(
        'In doubt: the provider’s answer was lost, so there is no message id to find it by. It may or may not have reached the customer; it is never sent again.',
      );
    case 'failed':
      return absent('Not sent: the send step gave up after its retries, so there is no content to show.');
    default:
      return assertNever(m.status);
  }
}

async function sentContent(m: MessageRecord, sources: DeliveredSources): Promise<Delivered> {
  const id = m.providerMessageId;
  if (id === undefined)
    return { kind: 'absent', why: 'Sent, but the record holds no provider message id to find it by.' };
  if (m.channel === 'sms') {
    const sms = sources.sms(id);
    return sms
      ? { kind: 'sms', sms }
      : {
          kind: 'absent',
          why: `Sent (message ${id}), but the SMS outbox no longer holds it: the outbox keeps texts in memory only, so a restart of the runtime empties it.`,
        };
  }
  if (m.channel === 'preferred')
    return { kind: 'absent', why: 'The record names no channel, so there is nothing to look up.' };
  try {
    const email = await sources.email(id);
    const tracking = sources.tracking?.(id);
    if (email) return { kind: 'email', email, ...(tracking ? { tracking } : {}) };
  } catch (e) {
    // Not logged: the error could quote what the store holds (personal data).
    return {
      kind: 'absent',
      why: `Sent (SES message ${id}), but the email inbox could not be read (${e instanceof Error ? e.name : 'error'}).`,
    };
  }
  return {
    kind: 'absent',
    why: `Sent (SES message ${id}), but the email inbox no longer holds it: the SES emulator keeps mail in memory only, so a restart of the runtime (or the inbox's Clear button) empties it.`,
  };
}

/** A text message of the outbox as the console shows it. */
export function sentSms(s: LocalSms): SentSms {
  return { messageId: s.messageId, at: s.at, to: s.to, body: s.body, parts: smsLength(s.body).parts };
}

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/**
 * Finds an email in the SES emulator (aws-ses-v2-local) by its message id, through the emulator's own
 * API (`GET /store`, every email it holds: it has no look-up by id that answers an unknown id safely).
 */
export function sesStoreReader(sesUrl: string): (messageId: string) => Promise<SentEmail | undefined> {
  return async (messageId) => {
    const { emails } = JSON.parse(await getText(`${sesUrl}/store`)) as { emails?: StoredEmail[] };
    const e = emails?.find((x) => x.messageId === messageId);
    if (!e) return undefined;
    return {
      messageId: e.messageId,
      from: e.from,
      to: e.destination.to,
      subject: e.subject,
      ...(e.body.text === undefined ? {} : { text: e.body.text }),
      ...(e.body.html === undefined ? {} : { html: e.body.html }),
    };
  };
}

/** A GET on node:http (not fetch: undici's timers are faked under virtual time and never fire). */
function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(new InboxUnreadableError('the inbox answer broke off', { cause: e })));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Buffer.concat(chunks).toString('utf8'))
          : reject(new InboxUnreadableError(`the inbox answered ${res.statusCode}`)),
      );
    });
    req.setTimeout(5_000, () => req.destroy(new InboxUnreadableError('the inbox did not answer in 5 s')));
    req.on('error', (e) =>
      reject(e instanceof InboxUnreadableError ? e : new InboxUnreadableError('no inbox', { cause: e })),
    );
    req.end();
  });
}
