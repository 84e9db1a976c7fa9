import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { RapportError } from '../../domain/errors';
import { traceHandler, type Tracing } from '../shared/tracing';
import { noticeOf } from './alarm-message';
import { chatBody, type ChatFormat } from './chat-format';

export interface AlarmChatDeps extends Tracing {
  logger: Logger;
  format: ChatFormat;
  /** The webhook URL, a credential: read from Secrets Manager, never logged. */
  webhookUrl: () => Promise<string>;
  /** How long a POST may take before it counts as failed; default 5 s (the function has 15). */
  timeoutMs?: number;
}

/**
 * The webhook did not take the message (a non-2xx answer, a timeout, no connection). Thrown, so that Lambda
 * retries the SNS delivery twice and then keeps it in the function's dead-letter queue. The message
 * names the status, never the URL.
 */
export class ChatWebhookError extends RapportError {
  override readonly name: string = 'ChatWebhookError';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** Enough of a refusal's body to say why (Slack answers `invalid_payload`, `no_service`…). */
const MAX_ANSWER_QUOTED = 200;

/**
 * Subscribed to the alarm topic (infra/alarm-chat.ts): each CloudWatch alarm notification, ALARM or OK,
 * becomes a chat message (name, state, what it means, why, the runbook key and a console link) POSTed to
 * the webhook. Anything else published on the topic is forwarded as text.
 */
export function createAlarmChatHandler(deps: AlarmChatDeps) {
  const { logger } = deps;
  const post = async (body: object): Promise<void> => {
    const url = await deps.webhookUrl();
    let answer: Response;
    try {
      answer = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(deps.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (cause) {
      // The URL stays out of the message; the cause (a timeout, a refused connection) names no path, and
      // a URL that would not parse never gets here (index.ts checks it).
      throw new ChatWebhookError(`the chat webhook did not answer (${(cause as Error).name})`, undefined, {
        cause,
      });
    }
    const text = await answer.text().catch(() => '');
    if (!answer.ok)
      throw new ChatWebhookError(
        `the chat webhook answered ${answer.status}: ${text.slice(0, MAX_ANSWER_QUOTED)}`,
        answer.status,
      );
  };
  const handle = async (event: SNSEvent): Promise<{ posted: number }> => {
    for (const record of event.Records) {
      const notice = noticeOf(record.Sns.Message, record.Sns.Subject);
      const about = notice.kind === 'alarm' ? { alarm: notice.alarmName, state: notice.state } : {};
      await post(chatBody(deps.format, notice));
      logger.info('posted to chat', { format: deps.format, snsMessageId: record.Sns.MessageId, ...about });
    }
    return { posted: event.Records.length };
  };
  return middy(handle)
    .use(traceHandler(deps))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
