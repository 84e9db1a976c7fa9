import { ComprehendClient, DetectSentimentCommand } from '@aws-sdk/client-comprehend';
import type { Sentiment } from '../../domain/events/schema';
import type { SentimentClassifier } from '../../domain/ports';

/** Comprehend caps DetectSentiment at 5,000 bytes of UTF-8: longer text is cut at a character boundary. */
const MAX_BYTES = 5000;

/** Amazon Comprehend's DetectSentiment, which reads both English and Chinese. */
export function createComprehendClassifier(client: ComprehendClient): SentimentClassifier {
  return {
    async classify(text, language) {
      const out = await client.send(
        new DetectSentimentCommand({ Text: truncateUtf8(text, MAX_BYTES), LanguageCode: language }),
      );
      return (out.Sentiment?.toLowerCase() ?? 'neutral') as Sentiment;
    },
  };
}

/**
 * The classifier with a client configured from the environment (region, credentials), as in Lambda;
 * `wrap` instruments the client (the handlers' tracing).
 */
export function defaultComprehendClassifier(
  wrap: <C>(client: C) => C = (client) => client,
): SentimentClassifier {
  return createComprehendClassifier(wrap(new ComprehendClient({})));
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}
