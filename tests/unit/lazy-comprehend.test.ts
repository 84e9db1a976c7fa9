import { ComprehendClient, DetectSentimentCommand } from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { lazyComprehendClassifier } from '../../adapters/sentiment/lazy-comprehend';

describe('lazyComprehendClassifier', () => {
  const comprehend = mockClient(ComprehendClient);
  afterAll(() => comprehend.restore());

  it('classifies through Comprehend once the first text comes, with one client for every text', async () => {
    comprehend.on(DetectSentimentCommand).resolves({ Sentiment: 'NEGATIVE' });
    const classifier = lazyComprehendClassifier();
    expect(comprehend.calls()).toHaveLength(0);
    expect(await classifier.classify('It broke on day one.', 'en')).toBe('negative');
    expect(await classifier.classify('Still broken.', 'en')).toBe('negative');
    const calls = comprehend.commandCalls(DetectSentimentCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { Text: 'It broke on day one.', LanguageCode: 'en' },
      { Text: 'Still broken.', LanguageCode: 'en' },
    ]);
    expect(new Set(calls.map((c) => c.thisValue)).size).toBe(1);
  });
});
