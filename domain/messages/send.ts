import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import { zodProblems } from '../config/source';
import { InvalidTaskInputError, ProfileNotFoundError, RapportError } from '../errors';
import type { CustomerStore, Mailer, MessageRecord, SkipReason } from '../ports';
import { signLink } from './links';
import type { Renderer } from './render';

/** What a compiled `send` state passes to the send-message task (see compileJourney). */
export const SendMessageInput = z.strictObject({
  customerId: z.string().min(1),
  journeyId: z.string().min(1),
  journeyVersion: z.number().int().min(1),
  stepId: z.string().min(1),
  channel: z.literal('email'),
  template: z.string().min(1),
  // Executions started before `category` existed carry none: they were all marketing.
  category: z.enum(['marketing', 'transactional']).default('marketing'),
  executionId: z.string().min(1),
});
export type SendMessageInput = z.infer<typeof SendMessageInput>;

export type SendMessageResult =
  | { status: 'sent'; messageKey: string; providerMessageId: string }
  | { status: 'skipped'; messageKey: string; reason: SkipReason }
  | { status: 'duplicate'; messageKey: string; previous: MessageRecord['status'] };

/** The provider refused for now (throttling): nothing was sent, and Step Functions' Retry may try again. */
export class MessageThrottledError extends RapportError {}

export interface SendDeps {
  store: CustomerStore;
  mailer: Mailer;
  renderer: Renderer;
  clock: Clock;
  sender: string;
  publicBaseUrl: string;
  /** The HMAC key for links in emails; a function, because on AWS it is fetched once per cold start. */
  linkSecret: () => Promise<string>;
}

export function parseSendMessageInput(data: unknown): SendMessageInput {
  const result = SendMessageInput.safeParse(data);
  if (!result.success)
    throw new InvalidTaskInputError(
      'Invalid send-message input',
      zodProblems(result.error, data, { source: 'task input' }),
    );
  return result.data;
}

/** Deterministic per execution and step: the same step of the same execution is one message, ever. */
export function messageKey(executionId: string, stepId: string): string {
  return createHash('sha256').update(`${executionId}\u0000${stepId}`).digest('hex').slice(0, 32);
}

/**
 * Sends one journey message at most once. A record is claimed with a conditional write before the
 * provider is called; a second invocation for the same execution and step finds it and sends nothing.
 * If the provider call fails ambiguously (e.g. a timeout after the request left) the record stays
 * `in-doubt` and is never retried: a missing message is better than a duplicate one.
 */
export async function sendMessage(input: SendMessageInput, deps: SendDeps): Promise<SendMessageResult> {
  const key = messageKey(input.executionId, input.stepId);
  const existing = await deps.store.getMessage(input.customerId, key);
  if (existing) return { status: 'duplicate', messageKey: key, previous: existing.status };

  const profile = await deps.store.getProfile(input.customerId);
  if (!profile) throw new ProfileNotFoundError(`customer ${input.customerId} has no profile`);
  const now = deps.clock.now();
  const base: MessageRecord = {
    customerId: input.customerId,
    messageKey: key,
    journeyId: input.journeyId,
    journeyVersion: input.journeyVersion,
    stepId: input.stepId,
    executionId: input.executionId,
    channel: input.channel,
    template: input.template,
    category: input.category,
    status: 'sending',
    createdAt: now.toISOString(),
  };

  const skip = async (reason: SkipReason): Promise<SendMessageResult> => {
    const claimed = await deps.store.claimMessage({ ...base, status: 'skipped', reason });
    return claimed
      ? { status: 'skipped', messageKey: key, reason }
      : { status: 'duplicate', messageKey: key, previous: 'skipped' };
  };
  // An unsubscribe withdraws consent to marketing; a receipt or a service notice still goes out.
  if (input.category === 'marketing' && profile.consent.email.status === 'unsubscribed')
    return skip('unsubscribed');
  if (!profile.email) return skip('no-address');

  const token = signLink(
    {
      customerId: profile.customerId,
      purpose: 'unsubscribe',
      channel: 'email',
      iat: Math.floor(now.getTime() / 1000),
    },
    await deps.linkSecret(),
  );
  const unsubscribeUrl = `${deps.publicBaseUrl.replace(/\/$/, '')}/unsubscribe?token=${token}`;
  const rendered = deps.renderer.render({ template: input.template, profile, unsubscribeUrl });
  const record: MessageRecord = {
    ...base,
    locale: rendered.locale,
    to: profile.email,
    subject: rendered.subject,
  };
  if (!(await deps.store.claimMessage(record)))
    return { status: 'duplicate', messageKey: key, previous: 'sending' };

  let providerMessageId: string;
  try {
    ({ messageId: providerMessageId } = await deps.mailer.send({
      messageId: `<${key}@rapport>`,
      date: now,
      from: deps.sender,
      to: profile.email,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
      tags: { journey: input.journeyId, step: input.stepId, template: input.template },
    }));
  } catch (e) {
    if (isDefiniteRefusal(e)) {
      await deps.store.releaseMessage(input.customerId, key);
      throw new MessageThrottledError(
        `the email provider refused the message for now: ${(e as Error).message}`,
        { cause: e },
      );
    }
    await deps.store.updateMessage({ ...record, status: 'in-doubt' });
    throw e;
  }
  await deps.store.updateMessage({
    ...record,
    status: 'sent',
    providerMessageId,
    sentAt: deps.clock.now().toISOString(),
  });
  return { status: 'sent', messageKey: key, providerMessageId };
}

/** Errors the provider answered with before accepting anything: safe to release the claim and retry. */
function isDefiniteRefusal(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    ['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'ServiceUnavailable'].includes(
      err.name ?? '',
    ) || err.$metadata?.httpStatusCode === 429
  );
}
