import type { Sentiment } from '../../domain/events/schema';
import type { SentimentClassifier } from '../../domain/ports';

/**
 * The embedded default when there is no AWS account: a small word list per language, enough to tell
 * "thank you, wonderful" from "very disappointed, refund" in English and Chinese. On AWS, Comprehend
 * replaces it (functions/shared/sentiment.ts).
 */
const POSITIVE = {
  en: [
    'thank',
    'thanks',
    'great',
    'love',
    'excellent',
    'wonderful',
    'happy',
    'helpful',
    'perfect',
    'amazing',
    'good',
    'friendly',
    'recommend',
  ],
  zh: ['谢谢', '感谢', '满意', '很好', '非常好', '喜欢', '专业', '贴心', '推荐', '周到', '不错', '棒'],
};
const NEGATIVE = {
  en: [
    'disappointed',
    'terrible',
    'awful',
    'bad',
    'worst',
    'angry',
    'rude',
    'refund',
    'broken',
    'never',
    'complaint',
    'poor',
    'slow',
    'unacceptable',
    'waste',
  ],
  zh: ['失望', '糟糕', '太差', '很差', '生气', '投诉', '退款', '欺骗', '垃圾', '不满', '态度差', '慢', '骗'],
};

export function createLexiconClassifier(): SentimentClassifier {
  return {
    async classify(text, language) {
      return lexiconSentiment(text, language);
    },
  };
}

export function lexiconSentiment(text: string, language: 'en' | 'zh'): Sentiment {
  const lower = text.toLowerCase();
  const count = (words: string[]) =>
    language === 'en'
      ? lower.split(/[^a-z']+/).filter((w) => words.some((x) => w.startsWith(x))).length
      : words.reduce((n, w) => n + lower.split(w).length - 1, 0);
  let positive = count(POSITIVE[language]);
  const negative = count(NEGATIVE[language]);
  // "not good", "不满意": a negated positive word counts against.
  const negated =
    language === 'en'
      ? (lower.match(/\b(not|no|never)\s+(\w+\s+)?(good|great|happy|helpful|friendly)/g) ?? []).length
      : (lower.match(/[不没][太很]?(满意|好|喜欢|专业)/g) ?? []).length;
  positive -= negated;
  const against = negative + negated;
  if (positive > 0 && against > 0) return 'mixed';
  if (against > 0) return 'negative';
  if (positive > 0) return 'positive';
  return 'neutral';
}
