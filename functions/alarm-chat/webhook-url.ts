import { RapportError } from '../../domain/errors';

/** The webhook secret still holds the stack's placeholder, or something that is not an https URL. */
export class WebhookUrlNotSetError extends RapportError {
  override readonly name: string = 'WebhookUrlNotSetError';
}

/** What the stack puts in the secret it creates: the operator replaces it with the webhook URL. */
export const WEBHOOK_PLACEHOLDER = 'REPLACE-WITH-THE-CHAT-WEBHOOK-URL';

/** The URL the secret holds, if it is one a chat webhook can have (https); the value is never quoted. */
export function checkWebhookUrl(value: string | undefined, secretId: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value?.trim() ?? '');
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:')
    throw new WebhookUrlNotSetError(
      `secret ${secretId} does not hold an https webhook URL: set it with ` +
        `aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string <the webhook URL>`,
    );
  return url.href;
}

/** Re-read this often: a URL replaced in the secret reaches warm containers within minutes. */
const KEEP_MS = 5 * 60_000;

/**
 * The webhook URL, read from the secret on first use and kept for a few minutes; a value that is not
 * a URL yet (the placeholder) is not kept, so the next notification reads the secret again.
 */
export function webhookUrlFrom(
  read: () => Promise<string | undefined>,
  secretId: string,
  now: () => number = Date.now,
): () => Promise<string> {
  let kept: { url: Promise<string>; at: number } | undefined;
  return () => {
    if (!kept || now() - kept.at > KEEP_MS) {
      const url = read().then((value) => checkWebhookUrl(value, secretId));
      kept = { url, at: now() };
      url.catch(() => (kept = undefined));
    }
    return kept.url;
  };
}
