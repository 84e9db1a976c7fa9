/**
 * What the bundles give `require('grapheme-splitter')` (infra/function-bundles.ts ESBUILD_OPTIONS.alias):
 * sms-segments-calculator's one importer (dist/libs/textUtils.js) calls `new GraphemeSplitter()` and
 * `splitGraphemes` to keep each user-perceived character whole in one SMS part. Node's Intl.Segmenter
 * splits by the same Unicode rules (UAX #29) from ICU's data, instead of 23 KB of tables built at every
 * cold start; tests/unit/grapheme-splitter-shim.test.ts checks the SMS lengths both give.
 */

let shared: Intl.Segmenter | undefined;
// Made on the first split, not at init: an email send never splits.
const segmenter = () => (shared ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));

export default class GraphemeSplitter {
  splitGraphemes(text: string): string[] {
    return Array.from(segmenter().segment(text), (s) => s.segment);
  }

  *iterateGraphemes(text: string): IterableIterator<string> {
    for (const s of segmenter().segment(text)) yield s.segment;
  }

  countGraphemes(text: string): number {
    let n = 0;
    for (const _ of segmenter().segment(text)) n++;
    return n;
  }
}
