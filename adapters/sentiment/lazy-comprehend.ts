import type { SentimentClassifier } from '../../domain/ports';

/**
 * Comprehend's classifier, its SDK client loaded and created on the first text to classify: few events
 * carry text, and loading the client at every cold start cost ≈ 100 ms of module init.
 */
export function lazyComprehendClassifier(
  wrap: <C>(client: C) => C = (client) => client,
): SentimentClassifier {
  let classifier: Promise<SentimentClassifier> | undefined;
  const load = async (): Promise<SentimentClassifier> => {
    // Only this module: the bundle's copy of it requires the SDK client when it first runs.
    const { defaultComprehendClassifier } = await import('./comprehend');
    return defaultComprehendClassifier(wrap);
  };
  return {
    async classify(text, language) {
      classifier ??= load().catch((e: unknown) => {
        // Not kept: the next text tries again rather than failing for the container's lifetime.
        classifier = undefined;
        throw e;
      });
      return (await classifier).classify(text, language);
    },
  };
}
