// Apart from the renderer (./render.ts): the pages that only pick a language load neither Liquid nor the
// SMS segment counter.

/**
 * Picks the locale to write to a customer in: their own if we ship it, else one of the same language,
 * else the default. A Cantonese speaker is never written to in English if zh-CN exists.
 */
export function resolveLocale(
  wanted: string | undefined,
  available: readonly string[],
  fallback: string,
): string {
  if (!wanted) return fallback;
  const exact = available.find((l) => l.toLowerCase() === wanted.toLowerCase());
  if (exact) return exact;
  const language = wanted.split('-')[0]?.toLowerCase();
  return available.find((l) => l.split('-')[0]?.toLowerCase() === language) ?? fallback;
}
