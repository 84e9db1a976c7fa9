/**
 * What the bundles give `require('semver')` (infra/function-bundles.ts ESBUILD_OPTIONS.alias): the X-Ray
 * SDK's patcher for the AWS SDK v2 (aws-xray-sdk-core/dist/lib/patchers/aws_p.js) is its only importer,
 * and calls `gte(awssdk.VERSION, '2.7.15')` only when an SDK v2 is captured, which Rapport never does.
 * The whole of semver costs 28 KB and ~9 ms of every cold start for that (tests/bench/bundles.ts); a test
 * checks that nothing else in a bundle imports it (tests/infra/bundling.test.ts).
 */

/** `a >= b` for plain `major.minor.patch` versions (a prerelease or build suffix is not compared). */
export function gte(a: string, b: string): boolean {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]!
      .split('.')
      .map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}
