import type { SentimentClassifier } from '../ports';
import { isCustomEvent, type IncomingEvent } from './schema';

/** Chinese when the text has Han characters; English otherwise (the two languages Rapport ships). */
export function languageOf(text: string): 'en' | 'zh' {
  return /\p{Script=Han}/u.test(text) ? 'zh' : 'en';
}

/**
 * Adds the sentiment of a comment or a complaint's text before the event is applied, so the stored event
 * and every retry of it carry the same value. A sentiment the sender gave is kept.
 */
export async function withSentiment(
  event: IncomingEvent,
  classifier: SentimentClassifier,
): Promise<IncomingEvent> {
  if (isCustomEvent(event) || (event.type !== 'feedback' && event.type !== 'complaint')) return event;
  if (event.sentiment) return event;
  const text = event.type === 'feedback' ? event.comment : event.text;
  if (!text) return event;
  return { ...event, sentiment: await classifier.classify(text, languageOf(text)) };
}
